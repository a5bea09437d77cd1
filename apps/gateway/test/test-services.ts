import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { JOBS } from '@shelfwise/contracts';
import { createRedis } from '@shelfwise/infrastructure';
import { createLogger, type Logger } from '@shelfwise/logger';
import { JobProducer } from '@shelfwise/queue';
import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The real services one gateway test file runs against: its own database, buckets and queue prefix. */
export interface TestServices {
  database: TestDatabase;
  s3: TestS3;
  prefix: string;
  producer: JobProducer;
  onlineEvents: QueueEvents;
  logger: Logger;
  close(): Promise<void>;
}

export async function createTestServices(label: string): Promise<TestServices> {
  const [database, s3] = await Promise.all([createTestDatabase(`gateway_${label}`), createTestS3()]);
  const prefix = uniquePrefix(`gateway-${label}`);
  // The same connection roles as main.ts: fail-fast for the producer, a blocking one for QueueEvents.
  const redis = createRedis(REDIS_URL, 'client');
  const eventsConnection = createRedis(REDIS_URL, 'worker');
  const producer = new JobProducer({ connection: redis, prefix, attempts: 3, backoffMs: 1_000 });
  const onlineEvents = new QueueEvents(JOBS.online.queue, { connection: eventsConnection, prefix });
  await onlineEvents.waitUntilReady();
  return {
    database,
    s3,
    prefix,
    producer,
    onlineEvents,
    logger: createLogger({ name: 'gateway-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    async close() {
      await onlineEvents.close();
      eventsConnection.disconnect();
      await Promise.all(producer.allQueues().map((queue) => queue.obliterate({ force: true })));
      await producer.close();
      redis.disconnect();
      await database.drop();
    },
  };
}

/** A server that accepts connections and never answers: a Redis that hangs. */
export async function silentServer(): Promise<{ port: number; server: Server }> {
  const server = createServer(() => {}).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: (server.address() as { port: number }).port, server };
}

/** A producer on a Redis at `port` that gives up at once: every add fails instead of waiting. */
export function unreachableProducer(port: number, prefix: string): { producer: JobProducer; close(): void } {
  const connection = new Redis(`redis://127.0.0.1:${port}`, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  connection.on('error', () => {});
  const producer = new JobProducer({ connection, prefix, attempts: 1, backoffMs: 0 });
  for (const queue of producer.allQueues()) queue.on('error', () => {});
  return {
    producer,
    close: () => connection.disconnect(),
  };
}
