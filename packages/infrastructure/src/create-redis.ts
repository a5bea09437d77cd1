import { Cluster, type ClusterNode, Redis, type RedisOptions } from 'ioredis';

/** One server or a Redis Cluster: ioredis gives both the same commands and events. */
export type RedisConnection = Redis | Cluster;

/**
 * `worker` connections block on BullMQ commands and must retry forever (`maxRetriesPerRequest: null`,
 * BullMQ's requirement); the others fail fast so an HTTP request answers 503 instead of hanging.
 * With `clusterNodes`, a Redis Cluster seeded by them; `url` then gives only credentials and TLS.
 */
export function createRedis(
  url: string,
  role: 'worker' | 'client',
  clusterNodes?: readonly ClusterNode[],
): RedisConnection {
  const options: RedisOptions = {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2_000,
    lazyConnect: false,
  };
  if (!clusterNodes) return new Redis(url, options);
  const { username, password, protocol } = new URL(url);
  return new Cluster([...clusterNodes], {
    // The Cluster keeps its own offline queue (commands sent before the slot map is known).
    enableOfflineQueue: options.enableOfflineQueue,
    lazyConnect: false,
    redisOptions: {
      ...options,
      username: username === '' ? undefined : decodeURIComponent(username),
      password: password === '' ? undefined : decodeURIComponent(password),
      tls: protocol === 'rediss:' ? {} : undefined,
    },
  });
}
