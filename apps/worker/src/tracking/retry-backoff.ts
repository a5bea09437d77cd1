/**
 * Delay before attempt `attempt + 1`: doubles from `baseMs` up to `maxMs`, with the upper half jittered
 * so that entries which failed together (MLflow went down) do not all come back at the same moment.
 */
export function retryBackoff(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
