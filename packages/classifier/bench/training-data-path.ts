import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Where benchmarks and quality reports read the real training set: TRAINING_DATA_CSV (relative to where
 * the command was run), else ../shared/data/Training_Data.csv beside the repository. Tests never read it.
 * A missing file stops the script with a message that says which path was tried and how to set another.
 */
export function trainingDataPath(explicit = process.env.TRAINING_DATA_CSV): string {
  const path = explicit
    ? resolve(process.env.INIT_CWD ?? process.cwd(), explicit)
    : resolve(REPO, '../shared/data/Training_Data.csv');
  if (!existsSync(path)) {
    process.stderr.write(
      `the real training set is not at ${path}: set TRAINING_DATA_CSV to its path ` +
        '(benchmarks and the quality report need it; tests do not)\n',
    );
    process.exit(2);
  }
  return path;
}
