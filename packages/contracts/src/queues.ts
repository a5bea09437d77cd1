/**
 * Every queue of the system. Separate queues keep a long training run from delaying predictions;
 * a worker process serves the roles its config names.
 */
export const QUEUES = {
  inference: 'inference',
  online: 'online-predict',
  training: 'training',
} as const;

export type QueueRole = keyof typeof QUEUES;
export type QueueName = (typeof QUEUES)[QueueRole];
export const QUEUE_ROLES = Object.keys(QUEUES) as QueueRole[];
