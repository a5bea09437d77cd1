/**
 * One read shared by every metric that needs it during a scrape: prom-client collects all metrics at
 * once, so two gauges fed by the same Redis or MySQL read would otherwise query twice. Only the read in
 * flight is shared; the next scrape reads afresh.
 */
export function coalesce<T>(load: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= load().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
