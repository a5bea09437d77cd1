import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `check` every 20 ms until it returns something other than undefined or false, and returns that;
 * throws naming `what` after `timeoutMs`. Tests wait on state this way, never on a fixed sleep.
 */
export async function until<T>(
  check: () => Promise<T | undefined | false>,
  what = 'the condition',
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await delay(20);
  }
}
