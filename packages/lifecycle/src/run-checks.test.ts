import { describe, expect, it } from 'vitest';
import { runChecks } from './run-checks';

describe('runChecks', () => {
  it('reports each dependency with ok and latency', async () => {
    const result = await runChecks({ a: async () => 'fine', b: async () => undefined });
    expect(result.ok).toBe(true);
    expect(result.checks.a).toMatchObject({ ok: true });
    expect(result.checks.b?.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('names the failing dependency and its error, and is not ok overall', async () => {
    const result = await runChecks({
      redis: async () => undefined,
      mysql: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
      },
    });
    expect(result.ok).toBe(false);
    expect(result.checks.redis?.ok).toBe(true);
    expect(result.checks.mysql).toMatchObject({ ok: false, error: 'connect ECONNREFUSED 127.0.0.1:3306' });
  });

  it('turns a hung check into an error after the timeout', async () => {
    const result = await runChecks({ s3: () => new Promise(() => {}) }, 50);
    expect(result.checks.s3).toMatchObject({ ok: false, error: 'no answer within 50 ms' });
  });
});
