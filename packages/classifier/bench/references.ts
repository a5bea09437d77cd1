/**
 * Reference classifiers for the benchmark, run by the real tools where they are installed (Debian:
 * `apt-get install fasttext python3-sklearn`); each returns its per-row predictions on the hold-out, or why
 * it is unavailable.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelledText } from '../src/index';

export type Reference =
  | { readonly name: string; readonly predicted: string[]; readonly seconds: number }
  | { readonly name: string; readonly unavailable: string };

const SKLEARN_SCRIPT = fileURLToPath(new URL('./reference_tfidf_svm.py', import.meta.url));

function withFiles<T>(
  trainSet: readonly LabelledText[],
  testSet: readonly LabelledText[],
  write: (e: LabelledText) => string,
  run: (train: string, test: string, dir: string) => T,
): T {
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-reference-'));
  try {
    writeFileSync(join(dir, 'train'), trainSet.map(write).join(''));
    writeFileSync(join(dir, 'test'), testSet.map(write).join(''));
    return run(join(dir, 'train'), join(dir, 'test'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** fastText 0.9 command line with its defaults (and a seed), on the same split. */
export function fastText(trainSet: readonly LabelledText[], testSet: readonly LabelledText[]): Reference {
  const name = 'fastText supervised, defaults';
  if (spawnSync('fasttext', [], { stdio: 'ignore' }).error)
    return { name, unavailable: 'the fasttext binary is not installed (apt-get install fasttext)' };
  const labels = [...new Set(trainSet.map((e) => e.label))].sort();
  const asLine = (e: LabelledText): string =>
    `__label__${labels.indexOf(e.label)} ${e.text.replace(/\s+/g, ' ')}\n`;
  return withFiles(trainSet, testSet, asLine, (train, test, dir) => {
    const started = performance.now();
    const model = join(dir, 'model');
    execFileSync('fasttext', [
      'supervised',
      '-input',
      train,
      '-output',
      model,
      '-seed',
      '42',
      '-verbose',
      '0',
    ]);
    const predicted = execFileSync('fasttext', ['predict', `${model}.bin`, test], { maxBuffer: 1 << 26 })
      .toString()
      .trim()
      .split('\n')
      .map((l) => labels[Number(l.replace('__label__', ''))] as string);
    return { name, predicted, seconds: (performance.now() - started) / 1000 };
  });
}

/** The first of PYTHON, python3, /usr/bin/python3 that imports scikit-learn. */
function pythonWithSklearn(): string | null {
  for (const python of [process.env.PYTHON, 'python3', '/usr/bin/python3']) {
    if (python && spawnSync(python, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0)
      return python;
  }
  return null;
}

/** scikit-learn TfidfVectorizer (sublinear tf) + LinearSVC, the reference. */
export function tfidfSvm(
  trainSet: readonly LabelledText[],
  testSet: readonly LabelledText[],
  c: number,
  features: 'word+char' | 'char',
): Reference {
  const name = `sklearn TF-IDF ${features === 'char' ? 'char 3-5' : 'word 1-2 + char 3-5'} + LinearSVC C=${c}`;
  const python = pythonWithSklearn();
  if (!python)
    return {
      name,
      unavailable: 'no python3 with scikit-learn (apt-get install python3-sklearn, or set PYTHON)',
    };
  const asLine = (e: LabelledText): string => `${JSON.stringify([e.text, e.label])}\n`;
  return withFiles(trainSet, testSet, asLine, (train, test) => {
    const started = performance.now();
    const output = execFileSync(python, [SKLEARN_SCRIPT, train, test, String(c), features], {
      maxBuffer: 1 << 26,
    });
    const predicted = output
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as string);
    return { name, predicted, seconds: (performance.now() - started) / 1000 };
  });
}
