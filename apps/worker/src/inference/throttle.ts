/** Runs `action` at most once per `intervalMs`: per-batch progress writes would cost more than the work. */
export function throttle(intervalMs: number, action: () => Promise<void>): () => Promise<void> {
  let last = 0;
  return async () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    await action();
  };
}
