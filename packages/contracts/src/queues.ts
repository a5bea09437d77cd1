/**
 * Every queue of the system, by its one name: the role a worker serves (WORKER_QUEUES), the BullMQ queue
 * (its Redis keys) and the `queue` label of the metrics. Separate queues keep a long training run from
 * delaying predictions.
 */
export const QUEUE_NAMES = ['inference', 'online', 'training'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];
