export type Check = () => Promise<unknown>;

export interface CheckResult {
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Readiness {
  ok: boolean;
  checks: Record<string, CheckResult>;
}

/**
 * Runs every dependency check at once, each bounded by `timeoutMs`, so one hung dependency shows up as
 * an error with its name instead of hanging the probe.
 */
export async function runChecks(checks: Record<string, Check>, timeoutMs = 2_000): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckResult]> => {
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return [name, { ok: true, latencyMs: elapsed(started) }];
      } catch (error) {
        return [name, { ok: false, latencyMs: elapsed(started), error: describe(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
}

const elapsed = (started: number) => Math.round((performance.now() - started) * 10) / 10;

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
