import type { JobView, ModelView } from '@shelfwise/contracts';

const percent = (value: number) => `${Math.round(value * 100)}%`;
const figure = (value: unknown) => (typeof value === 'number' ? value.toFixed(3) : '-');

const metric = (model: ModelView, key: string) =>
  figure(
    model.metrics && typeof model.metrics === 'object'
      ? (model.metrics as Record<string, unknown>)[key]
      : null,
  );

/** One job for people: id, type, status, progress, then its result or error. */
export function formatJob(job: JobView): string {
  const lines = [`${job.job_id}  ${job.type}  ${job.status}  ${percent(job.progress)}`];
  if (job.result?.output_uri) lines.push(`output: ${job.result.output_uri}`);
  if (job.result?.model_version) lines.push(`model version: ${job.result.model_version}`);
  if (job.error) lines.push(`error: ${job.error.code}: ${job.error.message}`);
  return lines.join('\n');
}

/** Model versions as a table: the serving one is marked with `*`. */
export function formatModels(models: ModelView[]): string {
  if (models.length === 0) return 'no model versions yet';
  const rows = models.map((m) => [
    `${m.stage === 'PRODUCTION' ? '*' : ' '}v${m.version}`,
    m.status,
    m.stage,
    metric(m, 'eval_f1'),
    metric(m, 'eval_f1_min'),
    m.created_at,
  ]);
  const table = [['version', 'status', 'stage', 'f1', 'min_f1', 'created'], ...rows];
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? [];
  return table
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
