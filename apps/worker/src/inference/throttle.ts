/** Runs `action` at most once per `intervalMs`: per-batch progress writes would cost more than the work. */
export function throttle<A extends unknown[]>(
  intervalMs: number,
  action: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  let last = 0;
  return async (...args) => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    last = now;
    await action(...args);
  };
}
