import type { Config } from '@shelfwise/config';
import { createPrismaClient, type Db } from '@shelfwise/db';
import { type Readiness, runChecks } from '@shelfwise/lifecycle';
import { createObjectStore, type ObjectStore } from '@shelfwise/storage';
import { createRedis, type RedisConnection } from './create-redis';

export interface Infrastructure {
  db: Db;
  redis: RedisConnection;
  store: ObjectStore;
  readiness(): Promise<Readiness>;
  /** Resolves once Redis has connected or `timeoutMs` passed: start-up then reports a true picture. */
  settle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The connections every process holds (MySQL, Redis, S3), built from config in one place. */
export function createInfrastructure(config: Config): Infrastructure {
  const db = createPrismaClient(config.databaseUrl);
  const redis = createRedis(config.redisUrl, 'client', config.redisClusterNodes);
  // A down Redis is reported by readiness; an unhandled 'error' event would crash the process.
  redis.on('error', () => {});
  const store = createObjectStore(config.s3, Object.values(config.s3.buckets));
  return {
    db,
    redis,
    store,
    readiness: () =>
      runChecks({
        mysql: () => db.$queryRaw`SELECT 1`,
        redis: () => redis.ping(),
        s3: () => store.ping(),
      }),
    async settle(timeoutMs = 3_000) {
      if (redis.status === 'ready') return;
      // Not events.once: it rejects on 'error', and a refused connection must not crash start-up.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
