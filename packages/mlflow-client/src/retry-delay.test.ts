import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-delay';

const options = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('retryDelayMs', () => {
  it('doubles per retry within [half, full] of the ceiling, capped at maxDelayMs', () => {
    expect(retryDelayMs(0, options, null, () => 0)).toBe(50);
    expect(retryDelayMs(0, options, null, () => 1)).toBe(100);
    expect(retryDelayMs(2, options, null, () => 0)).toBe(200);
    expect(retryDelayMs(10, options, null, () => 1)).toBe(1_000);
  });

  it('waits at least what Retry-After asks, up to maxDelayMs', () => {
    expect(retryDelayMs(0, options, '0.5', () => 0)).toBe(500);
    expect(retryDelayMs(0, options, '120', () => 0)).toBe(1_000);
    expect(retryDelayMs(0, options, 'garbage', () => 0)).toBe(50);
  });
});
