import { Redis } from 'ioredis';

/**
 * `worker` connections block on BullMQ commands and must retry forever (`maxRetriesPerRequest: null`,
 * BullMQ's requirement); the others fail fast so an HTTP request answers 503 instead of hanging.
 */
export function createRedis(url: string, role: 'worker' | 'client'): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    connectTimeout: 2_000,
    lazyConnect: false,
  });
}
