import { ApiKeyRepository, generateApiKey } from '@shelfwise/db';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/app-process';
import { jobClient } from '../support/job-client';
import { seedServingModel } from '../support/seed-model';
import { type RunningSystem, startSystem } from '../support/start-system';

// Issue 10 item 2, as it was found: client B submitted client A's predictions (human labels included) as the
// input of its own predict job, downloaded them through its own output route, and the worker copied A's
// verified rows into the feedback prefix a second time. Real gateway and worker processes.
describe('one client cannot read another client’s data', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    system = await startSystem('e2e_tenancy');
    await seedServingModel(system.database.db, system.s3.store, system.s3.buckets.models);
  });

  afterAll(async () => {
    await system?.stop();
  });

  const clientKey = async () => {
    const made = generateApiKey();
    await new ApiKeyRepository(system.database.db).create({
      id: made.id,
      name: 'tenant',
      role: 'CLIENT',
      hash: made.hash,
    });
    return made.key;
  };

  it("refuses B's predict on A's predictions.csv, and A's verified rows reach the feedback prefix once", async () => {
    const [keyA, keyB] = [await clientKey(), await clientKey()];
    const [a, b] = [jobClient(system.api, keyA), jobClient(system.api, keyB)];
    const rows = labelledProducts(40, 7);
    const uploaded = await fetch(`${system.api}/v1/uploads?name=incoming.csv`, {
      method: 'POST',
      headers: { ...bearer(keyA), 'content-type': 'text/csv' },
      body: toCsv(
        ['product_description', 'HUMAN_VERIFIED_Category'],
        rows.map((r, i) => [r.text, i % 2 === 0 ? r.label : '']),
      ),
    });
    expect(uploaded.status).toBe(201);
    const { uri } = (await uploaded.json()) as { uri: string };
    const jobA = await a.finished(await a.submit('/v1/predict/csv', { input_file_s3: uri }), 90_000);
    expect(jobA.status, JSON.stringify(jobA.error)).toBe('SUCCEEDED');
    const outputA = jobA.result?.output_uri as string;
    const feedback = `s3://${system.s3.buckets.dataset}/feedback/`;
    expect((await system.s3.store.list(feedback)).map((o) => o.uri)).toEqual([
      `${feedback}${jobA.job_id}.csv`,
    ]);

    for (const input of [outputA, uri]) {
      const attack = await b.post('/v1/predict/csv', { input_file_s3: input });
      expect(attack.status, JSON.stringify(attack.body)).toBe(403);
      expect(attack.body.error).toMatchObject({
        code: 'FORBIDDEN',
        details: [{ path: 'input_file_s3', message: expect.stringMatching(/only its own uploads/) }],
      });
    }
    // Nothing of A's through B's routes either: A's job is a missing one, its monitoring point is not B's.
    expect((await b.get(`/v1/jobs/${jobA.job_id}`)).status).toBe(404);
    const download = await fetch(`${system.api}/v1/jobs/${jobA.job_id}/output`, { headers: bearer(keyB) });
    expect(download.status).toBe(404);
    expect((await b.get('/v1/jobs')).body.items).toEqual([]);
    expect((await b.get('/v1/monitoring')).body.items).toEqual([]);
    expect(((await a.get('/v1/monitoring')).body.items as { job_id: string }[]).map((p) => p.job_id)).toEqual(
      [jobA.job_id],
    );

    // No job of B's ran, so A's verified rows are in the feedback prefix once, as one batch.
    expect(await system.database.db.job.count()).toBe(1);
    expect((await system.s3.store.list(feedback)).map((o) => o.uri)).toEqual([
      `${feedback}${jobA.job_id}.csv`,
    ]);
    expect(await system.database.db.feedbackBatch.count()).toBe(1);
  });
});
