import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { formatCsv } from '@shelfwise/csv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticExamples } from '../test/synthetic-examples';
import { FEEDBACK_HEADER, predictionLayout } from './csv-schema';
import { InvalidRowsError } from './invalid-rows-error';
import { loadModel, type Predictor } from './load-model';
import { readModelFiles } from './model-files';
import { addCounts, type PredictPipelineOptions, type PredictSinks, predictRows } from './predict-pipeline';

type File = 'predictions' | 'feedback' | 'review';
const MODEL = fileURLToPath(new URL('./fixtures/embedding-bag-v1/', import.meta.url));

/** Every file one run writes, as CSV text without headers, and what it counted. */
async function run(
  predictor: Predictor,
  input: string | Buffer,
  options: Partial<PredictPipelineOptions> = {},
  files: readonly File[] = ['predictions', 'feedback', 'review'],
) {
  const written = { predictions: '', feedback: '', review: '' };
  const sinks = Object.fromEntries(
    files.map((file) => [
      file,
      {
        write: async (rows: readonly (readonly string[])[]) => {
          written[file] += formatCsv(rows);
        },
      },
    ]),
  ) as unknown as PredictSinks;
  const { counts } = await predictRows(Readable.from([input]), predictor, {
    batchSize: 7,
    reviewConfidence: 0.9,
    open: (layout) => {
      // Headers as a run over a whole file writes them; a slice writes none (its parent writes them once).
      if (!options.slice) {
        written.predictions = formatCsv([layout.output]);
        written.feedback = formatCsv([FEEDBACK_HEADER]);
        written.review = formatCsv([layout.review]);
      }
      return sinks;
    },
    ...options,
  });
  return { written, counts };
}

describe('predictRows', () => {
  let predictor: Predictor;
  beforeAll(async () => {
    predictor = await loadModel(await readModelFiles(MODEL));
  });
  afterAll(async () => {
    await predictor?.release();
  });

  const header = ['sku', 'product_description', 'HUMAN_VERIFIED_Category'];
  // A quoted newline inside a row, some rows verified: the rows a slice boundary must not break.
  const rows = syntheticExamples(60, 3).map((e, i) => [
    `sku-${i}`,
    i === 4 ? `"${e.text}",\nmulti-line` : e.text,
    i % 3 === 0 ? e.label : '',
  ]);

  it('writes each predictions file column once: a predictions file sent back gets fresh predictions in place', async () => {
    const first = await run(predictor, formatCsv([header, ...rows]));
    const layout = predictionLayout(header);
    expect(layout.output).toEqual([...header, 'predicted_category', 'confidence']);
    // Sent back with its prediction columns moved to the middle and overwritten.
    const sentBackHeader = [
      'sku',
      'predicted_category',
      'product_description',
      'confidence',
      'HUMAN_VERIFIED_Category',
    ];
    const sentBack = rows.map(([sku, text, label]) => [sku, 'stale', text, '0.000001', label] as string[]);
    const again = await run(predictor, formatCsv([sentBackHeader, ...sentBack]));
    expect(predictionLayout(sentBackHeader).output).toEqual(sentBackHeader);
    const fresh = await predictor.predict(rows.map(([, text]) => text as string));
    expect(again.written.predictions).toBe(
      formatCsv([
        sentBackHeader,
        ...rows.map(([sku, text, label], i) => [
          sku as string,
          fresh[i]?.label as string,
          text as string,
          fresh[i]?.confidence.toFixed(6) as string,
          label as string,
        ]),
      ]),
    );
    // The review file keeps the input's columns but the prediction ones.
    expect(predictionLayout(sentBackHeader).review).toEqual([
      'sku',
      'product_description',
      'HUMAN_VERIFIED_Category',
    ]);
    expect(again.written.review).toBe(first.written.review);
    expect(again.written.feedback).toBe(first.written.feedback);
  });

  it('over slices of a file writes parts that, after one header, are the whole run byte for byte', async () => {
    const whole = await run(predictor, formatCsv([header, ...rows]));
    expect(whole.counts).toMatchObject({ rows: 60, labelledRows: 20 });
    expect(whole.counts.reviewRows).toBeGreaterThan(0);

    // Row-aligned byte ranges of the same file, as a chunked job would read them.
    const bytes = Buffer.from(formatCsv([header, ...rows]));
    const starts = [0, 5, 6, 33, 60].map((row) =>
      Buffer.byteLength(formatCsv([header, ...rows.slice(0, row)])),
    );
    const parts = await Promise.all(
      [0, 5, 6, 33].map((firstRow, i) =>
        run(predictor, bytes.subarray(starts[i], starts[i + 1]), {
          slice: { header, firstRow: firstRow + 1 },
        }),
      ),
    );
    // The parent writes each header once, from the layout of the file's header, then the parts in order.
    const layout = predictionLayout(header);
    const joined = (file: File) => parts.map((p) => p.written[file]).join('');
    expect(formatCsv([layout.output]) + joined('predictions')).toBe(whole.written.predictions);
    expect(formatCsv([FEEDBACK_HEADER]) + joined('feedback')).toBe(whole.written.feedback);
    expect(formatCsv([layout.review]) + joined('review')).toBe(whole.written.review);
    const summed = parts.map((p) => p.counts).reduce(addCounts);
    for (const count of ['rows', 'labelledRows', 'reviewRows'] as const)
      expect(summed[count]).toBe(whole.counts[count]);
  });

  it('names every invalid row by its row in the whole file, also in a slice', async () => {
    const bad = [...rows.slice(0, 10)];
    bad[2] = ['sku-2', '  ', ''];
    bad[8] = ['sku-8', 'green tea', 'Toys'];
    const whole = await run(predictor, formatCsv([header, ...bad])).catch((error: unknown) => error);
    expect(whole).toBeInstanceOf(InvalidRowsError);
    expect((whole as InvalidRowsError).message).toBe(
      '2 invalid rows: row 3: empty product_description; row 9: unknown HUMAN_VERIFIED_Category "Toys"',
    );
    expect((whole as InvalidRowsError).problems.unknownLabels).toBe(true);

    const slice = await run(predictor, formatCsv(bad.slice(5)), { slice: { header, firstRow: 101 } }).catch(
      (error: unknown) => error,
    );
    expect((slice as InvalidRowsError).message).toBe(
      '1 invalid row: row 104: unknown HUMAN_VERIFIED_Category "Toys"',
    );
  });

  it('checks verified labels only when they become feedback', async () => {
    const labelled = formatCsv([header, ['sku-0', 'green tea', 'Toys']]);
    const { written, counts } = await run(predictor, labelled, {}, ['predictions']);
    expect(written.predictions).toMatch(
      /\nsku-0,green tea,Toys,(Beverages|Fresh Produce|Household),[01]\.\d{6}\n$/,
    );
    expect(counts).toMatchObject({ rows: 1, labelledRows: 1 });
  });
});
