import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticExamples } from '../test/synthetic-examples';

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const work = mkdtempSync(join(tmpdir(), 'shelfwise-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the CLI as `pnpm classifier` does: tsx from the package folder, paths relative to INIT_CWD. */
function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', ...args],
      { cwd: packageDir, env: { ...process.env, INIT_CWD: work } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const csv = (rows: string[][]): string =>
  `${rows.map((r) => r.map((v) => `"${v.replaceAll('"', '""')}"`).join(',')).join('\n')}\n`;
const examples = syntheticExamples(150, 4);
writeFileSync(
  join(work, 'train.csv'),
  csv([['product_description', 'Category'], ...examples.map((e) => [e.text, e.label])]),
);

describe('cli', () => {
  it('trains, predicts every row with all input columns, and evaluates human-verified rows', async () => {
    const trained = await cli(
      'train',
      '--input',
      'train.csv',
      '--out',
      'model',
      '--epochs',
      '10',
      '--seed',
      '9',
    );
    expect(trained.stderr).toContain('epoch 10/10');
    expect(trained.code).toBe(0);
    expect(JSON.parse(trained.stdout).metrics.accuracy).toBe(1);
    expect(existsSync(join(work, 'model', 'model.onnx'))).toBe(true);

    const inference = syntheticExamples(20, 5).map((e, i) => [String(i), e.text, i % 2 ? e.label : '']);
    writeFileSync(
      join(work, 'in.csv'),
      csv([['id', 'product_description', 'HUMAN_VERIFIED_Category'], ...inference]),
    );
    const predicted = await cli('predict', '--model', 'model', '--input', 'in.csv', '--output', 'out.csv');
    expect(predicted.code).toBe(0);
    const lines = readFileSync(join(work, 'out.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('id,product_description,HUMAN_VERIFIED_Category,predicted_category,confidence');
    expect(lines).toHaveLength(21);
    expect(lines[1]).toMatch(/^0,[^,]+,,(Beverages|Fresh Produce|Household),(0|1)\.\d{6}$/);

    // A predictions file predicted again gets its prediction columns replaced, not a second set.
    const again = await cli('predict', '--model', 'model', '--input', 'out.csv', '--output', 'again.csv');
    expect(again.code).toBe(0);
    expect(readFileSync(join(work, 'again.csv'), 'utf8')).toBe(readFileSync(join(work, 'out.csv'), 'utf8'));

    const evaluated = await cli('eval', '--model', 'model', '--input', 'out.csv');
    expect(evaluated.code).toBe(0);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ count: 10, accuracy: 1 });
  });

  it('names the missing column, exits non-zero and writes no output file', async () => {
    writeFileSync(join(work, 'bad.csv'), csv([['description'], ['tea']]));
    const result = await cli('predict', '--model', 'model', '--input', 'bad.csv', '--output', 'bad-out.csv');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/CsvFormatError: missing column product_description/);
    expect(existsSync(join(work, 'bad-out.csv'))).toBe(false);
  });

  it('names the row of an empty description, after earlier batches were already written', async () => {
    const rows = [...Array.from({ length: 1500 }, () => ['green tea']), ['']];
    writeFileSync(join(work, 'gap.csv'), csv([['product_description'], ...rows]));
    const result = await cli('predict', '--model', 'model', '--input', 'gap.csv', '--output', 'gap-out.csv');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('data row 1501: column product_description is empty');
    expect(existsSync(join(work, 'gap-out.csv'))).toBe(false);
  });

  it('reports a malformed CSV and an unlabelled training row by row', async () => {
    writeFileSync(join(work, 'ragged.csv'), 'product_description,Category\ntea,Beverages\nsoap\n');
    const ragged = await cli('train', '--input', 'ragged.csv', '--out', 'never');
    expect(ragged.code).toBe(1);
    expect(ragged.stderr).toMatch(/malformed CSV at data row 2/);
    writeFileSync(
      join(work, 'unlabelled.csv'),
      csv([
        ['product_description', 'Category'],
        ['tea', 'Beverages'],
        ['soap', ''],
      ]),
    );
    const unlabelled = await cli('train', '--input', 'unlabelled.csv', '--out', 'never');
    expect(unlabelled.stderr).toContain('data row 2: column Category is empty');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });

  it('answers a usage mistake with exit code 2', async () => {
    const result = await cli('predict', '--model', 'model');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('predict needs --input');
  });
});
