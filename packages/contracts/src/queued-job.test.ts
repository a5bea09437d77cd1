import { describe, expect, it } from 'vitest';
import { JOBS } from './job-catalog';
import { queuedJobOf } from './queued-job';

const id = '6f1c3f52-3c2a-4d8e-9b7a-2f0e7c1d5a10';

describe('queuedJobOf', () => {
  it('rebuilds each recorded job type from its stored input into a payload the catalog accepts', () => {
    const cases = [
      queuedJobOf('PREDICT_CSV', { input_file_s3: 's3://dataset/in.csv' }, id),
      queuedJobOf(
        'TRAIN_CSV',
        { train_file_s3: 's3://dataset/t.csv', epoch_num: 5, best_model_metric: 'eval_f1' },
        id,
      ),
      queuedJobOf(
        'TRAIN_FEEDBACK',
        { train_dir_s3: 's3://dataset/fb', epoch_num: 2, best_model_metric: 'eval_f1_min' },
        id,
      ),
      // The retrain schedule stores the payload itself.
      queuedJobOf(
        'RETRAIN_SCHEDULED',
        { v: 1, jobId: id, sourceUri: 's3://dataset/', epochs: 10, bestModelMetric: 'eval_f1_min' },
        id,
      ),
    ];
    expect(cases.map((c) => c.name)).toEqual(['predict-csv', 'train', 'train', 'train']);
    for (const c of cases) expect(JOBS[c.name].payload.parse(c.payload)).toEqual(c.payload);
    expect(cases[0]?.payload).toEqual({ v: 1, jobId: id, inputUri: 's3://dataset/in.csv' });
    expect(cases[1]?.payload).toMatchObject({ sourceUri: 's3://dataset/t.csv', epochs: 5 });
    expect(cases[2]?.payload).toMatchObject({
      sourceUri: 's3://dataset/fb/',
      bestModelMetric: 'eval_f1_min',
      // human_feedback trains on the captured feedback too; train/csv on its one file only.
      includeFeedback: true,
    });
    expect(cases[1]?.payload).not.toHaveProperty('includeFeedback');
  });

  it('refuses a stored input that does not parse', () => {
    expect(() => queuedJobOf('PREDICT_CSV', { input_file_s3: 42 }, id)).toThrow();
    expect(() => queuedJobOf('RETRAIN_SCHEDULED', null, id)).toThrow();
  });

  it('carries the pinned ETag of a single input object, and none for a prefix', () => {
    const pins = [
      { uri: 's3://dataset/in.csv', etag: '"abc"' },
      { uri: 's3://dataset/fb/a.csv', etag: '"def"' },
    ];
    expect(queuedJobOf('PREDICT_CSV', { input_file_s3: 's3://dataset/in.csv' }, id, pins).payload).toEqual({
      v: 1,
      jobId: id,
      inputUri: 's3://dataset/in.csv',
      inputEtag: '"abc"',
    });
    const prefix = queuedJobOf(
      'TRAIN_FEEDBACK',
      { train_dir_s3: 's3://dataset/fb', epoch_num: 2, best_model_metric: 'eval_f1_min' },
      id,
      pins,
    );
    expect(prefix.payload).not.toHaveProperty('sourceEtag');
    // A payload queued before pinning existed (no ETag) is still valid.
    expect(JOBS['predict-csv'].payload.parse({ v: 1, jobId: id, inputUri: 's3://dataset/in.csv' })).toEqual({
      v: 1,
      jobId: id,
      inputUri: 's3://dataset/in.csv',
    });
  });
});
