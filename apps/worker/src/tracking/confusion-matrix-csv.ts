const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The confusion matrix as CSV: one row per true label, one column per predicted label. */
export function confusionMatrixCsv(
  labels: readonly string[],
  matrix: readonly (readonly number[])[],
): string {
  const header = ['true \\ predicted', ...labels].map(quote).join(',');
  const rows = labels.map((label, i) => [quote(label), ...(matrix[i] ?? []).map(String)].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}
