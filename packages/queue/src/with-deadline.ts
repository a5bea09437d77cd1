/**
 * Settles with `work`, or rejects with `onTimeout()` after `ms`. BullMQ waits for Redis to come back
 * before it runs a command on a queue that never connected; this keeps a request from waiting with it.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
