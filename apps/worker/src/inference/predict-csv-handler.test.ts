import { Readable } from 'node:stream';
import { readCsv } from '@shelfwise/csv';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { describe, expect, it } from 'vitest';
import { useWorker } from '../../test/worker-services';

// The worker as main.ts builds it (createWorker), in process, on real MySQL, Redis, S3 and onnxruntime.
describe('predict-csv through createWorker', () => {
  const file = useWorker('predict_csv', { WORKER_QUEUES: 'inference' }, { model: true });

  /** Uploads `csv` and submits a predict job for it, as POST /v1/predict/csv does; returns the job id. */
  const predict = async (name: string, csv: string) => {
    const inputUri = `s3://${file.services.s3.buckets.dataset}/${name}`;
    await file.services.s3.store.upload(inputUri, csv);
    return file.services.submit('PREDICT_CSV', { input_file_s3: inputUri });
  };

  it('writes every input row back with a predicted category and its confidence', async () => {
    const products = labelledProducts(40, 7);
    const id = await predict(
      'products.csv',
      toCsv(
        ['sku', 'product_description'],
        products.map((product, i) => [`sku-${i}`, product.text]),
      ),
    );

    const row = await file.services.settled(id);

    expect(row).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    expect(row.result).toMatchObject({ rows: 40, labelled_rows: 0, model_version: file.model.version });
    const outputUri = (row.result as { output_uri: string }).output_uri;
    expect(row.outputUri).toBe(outputUri);
    const written = [];
    for await (const line of readCsv(Readable.from(await file.services.s3.store.downloadBytes(outputUri))))
      written.push(line);
    expect(written.map((line) => [line.sku, line.product_description])).toEqual(
      products.map((product, i) => [`sku-${i}`, product.text]),
    );
    for (const line of written) {
      expect(Object.keys(line)).toEqual(['sku', 'product_description', 'predicted_category', 'confidence']);
      expect(file.model.labels).toContain(line.predicted_category);
      expect(Number(line.confidence)).toBeGreaterThan(0);
      expect(Number(line.confidence)).toBeLessThanOrEqual(1);
    }
  });

  it('fails a file without the text column at once, naming the column, and writes nothing', async () => {
    const id = await predict('no-text.csv', toCsv(['sku', 'description'], [['1', 'Green Tea']]));

    const row = await file.services.settled(id);

    expect(row).toMatchObject({ status: 'FAILED', errorCode: 'INVALID_CSV', attempts: 1 });
    expect(row.errorMessage).toContain('product_description');
    expect(await file.services.s3.store.list(`s3://${file.services.s3.buckets.inference}/${id}/`)).toEqual(
      [],
    );
  });
});
