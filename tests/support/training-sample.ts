import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real training set, beside the repository (../shared/data) as on every machine of this project. */
export const TRAINING_DATA = fileURLToPath(
  new URL('../../../shared/data/Training_Data.csv', import.meta.url),
);

export interface Sample {
  text: string;
  label: string;
}

/** Rows of the real training set (no quoted fields in it), every `step`-th one from `offset`. */
export function trainingRows(count: number, offset = 0, step = 7): Sample[] {
  if (!existsSync(TRAINING_DATA)) throw new Error(`the training set is missing at ${TRAINING_DATA}`);
  const lines = readFileSync(TRAINING_DATA, 'utf8').trim().split('\n').slice(1);
  const rows: Sample[] = [];
  for (let i = offset; i < lines.length && rows.length < count; i += step) {
    const line = lines[i] ?? '';
    const comma = line.lastIndexOf(',');
    rows.push({ text: line.slice(0, comma), label: line.slice(comma + 1).trim() });
  }
  return rows;
}

const quote = (value: string) => (/[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export const toCsv = (header: string[], rows: string[][]): string =>
  `${[header, ...rows].map((row) => row.map(quote).join(',')).join('\n')}\n`;
