import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JOB_NAMES, JOBS } from './job-catalog';
import { type PayloadVersions, readPayload } from './job-versions';
import { queuedJob } from './queued-job';

// A job whose payload went from version 1 (`uri`) to 2 (`uris`): what a schema change looks like.
const v1 = z.object({ v: z.literal(1), uri: z.string() });
const v2 = z.object({ v: z.literal(2), uris: z.array(z.string()).min(1) });
const evolved: PayloadVersions<z.output<typeof v2>> = {
  version: 2,
  payload: v2,
  previous: { payload: v1, upgrade: (old: z.output<typeof v1>) => ({ v: 2, uris: [old.uri] }) },
};

describe('readPayload', () => {
  it('reads the current version as it is', () => {
    expect(readPayload(evolved, { v: 2, uris: ['s3://a/b'] })).toEqual({
      ok: true,
      payload: { v: 2, uris: ['s3://a/b'] },
    });
  });

  it('reads the previous version through its upgrade, so jobs queued before a deploy still run', () => {
    expect(readPayload(evolved, { v: 1, uri: 's3://a/b' })).toEqual({
      ok: true,
      payload: { v: 2, uris: ['s3://a/b'] },
    });
  });

  it('refuses older and newer versions, saying which ones it reads', () => {
    expect(readPayload(evolved, { v: 3, uris: ['s3://a/b'] })).toEqual({
      ok: false,
      problems: 'v: version 3 is not one this worker reads (1 and 2)',
    });
    expect(readPayload(evolved, { v: 0 })).toMatchObject({
      ok: false,
      problems: expect.stringContaining('(1 and 2)'),
    });
    expect(readPayload(JOBS.online, { v: 2, texts: ['x'] })).toEqual({
      ok: false,
      problems: 'v: version 2 is not one this worker reads (1)',
    });
  });

  it('names the field at fault in a payload of a version it reads', () => {
    const read = readPayload(evolved, { v: 1, uri: 7 });
    expect(read).toMatchObject({ ok: false, problems: expect.stringMatching(/^uri: /) });
    expect(readPayload(evolved, { v: 2, uris: [] })).toMatchObject({
      ok: false,
      problems: expect.stringMatching(/^uris: /),
    });
  });
});

describe('the catalog versions', () => {
  it('has producers write each job at its catalog version, which its worker reads back', () => {
    const bodies = {
      'predict-csv': { jobId: '6f1c3f52-3c2a-4d8e-9b7a-2f0e7c1d5a10', inputUri: 's3://dataset/in.csv' },
      'predict-chunk': {
        jobId: '6f1c3f52-3c2a-4d8e-9b7a-2f0e7c1d5a10',
        chunk: 3,
        inputUri: 's3://dataset/in.csv',
      },
      train: {
        jobId: '6f1c3f52-3c2a-4d8e-9b7a-2f0e7c1d5a10',
        sourceUri: 's3://dataset/t.csv',
        epochs: 2,
        bestModelMetric: 'eval_f1' as const,
      },
      'retrain-check': {},
      online: { texts: ['oolong tea'] },
    };
    for (const name of JOB_NAMES) {
      const { payload } = queuedJob(name, bodies[name]);
      expect(payload.v, name).toBe(JOBS[name].version);
      expect(readPayload(JOBS[name], payload), name).toEqual({ ok: true, payload });
    }
  });
});
