import { randomUUID } from 'node:crypto';
import { feedbackPrefixUri, feedbackUri, reviewPrefixUri, reviewUri } from '@shelfwise/contracts';
import { FeedbackRepository, type InputVersion, JobRepository } from '@shelfwise/db';
import { ObjectChangedError } from '@shelfwise/storage';
import {
  createTestDatabase,
  createTestS3,
  startRun,
  type TestDatabase,
  type TestS3,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobInputError } from '../errors/job-input-error';
import { readTrainingData } from './read-training-data';

// Real S3 and MySQL: the listing is pinned on the job row as the runner pins it (JobContext.pinInputs).
describe('readTrainingData on a prefix, across attempts', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let jobs: JobRepository;
  let prefix: string;
  let jobId: string;

  /** One attempt of the job: a run of its own, reading with the row's pins. */
  const attempt = async () => {
    const run = await startRun(jobs, jobId);
    try {
      return await readTrainingData(s3.store, prefix, {
        pin: async (listing) => (await jobs.pinInputVersions(run, listing)) ?? [],
      });
    } finally {
      await jobs.markRetrying(run, { code: 'TRANSIENT', message: 'next attempt' });
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('read_training');
    s3 = await createTestS3();
    jobs = new JobRepository(database.db);
    prefix = `s3://${s3.buckets.dataset}/corpus/`;
    jobId = randomUUID();
    await jobs.create({
      id: jobId,
      type: 'TRAIN_FEEDBACK',
      input: { train_dir_s3: prefix, epoch_num: 1, best_model_metric: 'eval_f1' },
    });
    await s3.store.upload(`${prefix}a.csv`, 'product_description,Category\ngreen tea,Beverages\n');
    await s3.store.upload(`${prefix}b.csv`, 'product_description,Category\ndish soap,Household\n');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('reads the first listing on every attempt: a file added later is not read, a changed one fails', async () => {
    const first = await attempt();
    expect(first.files).toEqual([`${prefix}a.csv`, `${prefix}b.csv`]);

    await s3.store.upload(`${prefix}c.csv`, 'product_description,Category\nfuji apples,Fresh Produce\n');
    const retry = await attempt();
    expect(retry.files).toEqual(first.files);
    expect(retry.datasetHash).toBe(first.datasetHash);

    await s3.store.upload(`${prefix}b.csv`, 'product_description,Category\ndish soap,Beverages\n');
    const changed = await attempt().catch((error: unknown) => error);
    expect(changed).toBeInstanceOf(ObjectChangedError);
    expect(String(changed)).toContain(`${prefix}b.csv changed after the job was submitted`);
  });
});

// Real S3 and MySQL: the feedback predict jobs captured, dated by their jobs' rows as the worker dates them.
describe('readTrainingData with the captured feedback', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let jobs: JobRepository;
  let feedback: FeedbackRepository;
  const header = 'product_description,HUMAN_VERIFIED_Category\n';
  const noPin = async (listing: InputVersion[]) => listing;

  /** A predict job submitted at `submittedAt` whose captured feedback is `csv`, recorded as the worker does. */
  const capture = async (bucket: string, id: string, submittedAt: number, csv: string, rows: number) => {
    await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: `s3://${bucket}/in.csv` } });
    await database.db.job.update({ where: { id }, data: { createdAt: new Date(submittedAt) } });
    const uri = feedbackUri(bucket, id);
    await s3.store.upload(uri, csv);
    await feedback.record({ jobId: id, s3Uri: uri, rows });
  };
  const captured = (bucket: string) => ({
    prefix: feedbackPrefixUri(bucket),
    inOrder: () => feedback.capturedInOrder(),
  });

  beforeAll(async () => {
    database = await createTestDatabase('read_feedback');
    s3 = await createTestS3();
    jobs = new JobRepository(database.db);
    feedback = new FeedbackRepository(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('reads the training folder plus every captured feedback object; the label of the latest submitted job wins', async () => {
    const bucket = s3.buckets.dataset;
    await s3.store.upload(
      `s3://${bucket}/train/base.csv`,
      'product_description,Category\ngreen tea,Household\ndish soap,Household\nfuji apples,Fresh Produce\n',
    );
    // Both jobs were submitted after the training file was uploaded, one millisecond apart. The later job's
    // feedback is uploaded and recorded first, and its key sorts first: only the jobs' submission times put
    // it last. By upload time, key or capture order the earlier job's label would win.
    const submitted = Date.now() + 1_000;
    const earlier = `f${randomUUID().slice(1)}`;
    const later = `0${randomUUID().slice(1)}`;
    await capture(bucket, later, submitted + 1, `${header}green tea,Beverages\n`, 1);
    // A row the person left empty is no label.
    const earlierRows = `${header}green tea,Fresh Produce\nfuji apples,Household\nrye bread,\n`;
    await capture(bucket, earlier, submitted, earlierRows, 2);

    const data = await readTrainingData(s3.store, `s3://${bucket}/train/`, {
      pin: noPin,
      feedback: captured(bucket),
    });
    const labelOf = new Map(data.examples.map((e) => [e.text, e.label]));
    expect(labelOf.get('green tea')).toBe('Beverages');
    // Feedback given after the training file was uploaded corrects its label.
    expect(labelOf.get('fuji apples')).toBe('Household');
    expect(labelOf.get('dish soap')).toBe('Household');
    expect(data.rowsBySource).toEqual({ training: 3, verified: 0, feedback: 3 });
    expect(data.files).toEqual([
      `s3://${bucket}/train/base.csv`,
      feedbackUri(bucket, earlier),
      feedbackUri(bucket, later),
    ]);
  });

  it('never reads a review file as training data, even when it lies under the source prefix', async () => {
    const bucket = s3.buckets.dataset;
    await s3.store.upload(
      `s3://${bucket}/train/base.csv`,
      'product_description,Category\ngreen tea,Beverages\n',
    );
    // Filled in place: a person's label, but one that never went through predict's label check.
    await s3.store.upload(reviewUri(bucket, randomUUID()), `${header}oolong tea,Beveragez\n`);
    const data = await readTrainingData(s3.store, `s3://${bucket}/`, {
      pin: noPin,
      skip: [reviewPrefixUri(bucket)],
    });
    expect(data.examples.map((e) => e.text)).not.toContain('oolong tea');
    expect(data.files.filter((uri) => uri.startsWith(reviewPrefixUri(bucket)))).toEqual([]);
  });

  it('fails NO_FEEDBACK naming both places when nothing human-verified is there', async () => {
    const bucket = s3.buckets.dataset;
    await s3.store.upload(
      `s3://${bucket}/plain/base.csv`,
      'product_description,Category\ngreen tea,Beverages\ndish soap,Household\n',
    );
    const empty = `s3://${bucket}/nothing-captured/`;
    const error = await readTrainingData(s3.store, `s3://${bucket}/plain/`, {
      pin: noPin,
      feedback: { prefix: empty, inOrder: () => feedback.capturedInOrder() },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobInputError);
    expect(error).toMatchObject({ code: 'NO_FEEDBACK' });
    expect(String(error)).toContain(`no feedback captured under ${empty}`);
    expect(String(error)).toContain(`HUMAN_VERIFIED_Category labels in the CSVs under s3://${bucket}/plain/`);
  });
});
