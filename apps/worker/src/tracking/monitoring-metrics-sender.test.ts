import { randomUUID } from 'node:crypto';
import { trainSmallModel } from '@shelfwise/test-kit/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTrackingFixture,
  drain,
  storeTrainedModel,
  type TrackingFixture,
} from '../../test/tracking-fixture';
import { OutboxTracking } from './outbox-tracking';
import { RUN_TAGS } from './tracking-keys';

describe('monitoring figures sent through the outbox', () => {
  let fixture: TrackingFixture;

  beforeAll(async () => {
    fixture = await createTrackingFixture('monitoring');
  });

  afterAll(async () => {
    await fixture?.close();
  });

  it('logs each labelled job to the one monitoring run of its model version, over time', async () => {
    const model = await storeTrainedModel(fixture, await trainSmallModel(1));
    const times = [1_800_000_000_000, 1_800_000_060_000, 1_800_000_120_000];
    const jobIds: string[] = [];
    for (const [i, at] of times.entries()) {
      const jobId = randomUUID();
      jobIds.push(jobId);
      await fixture.jobs.create({ id: jobId, type: 'PREDICT_CSV', input: {} });
      await new OutboxTracking({
        db: fixture.database.db,
        onRecorded: () => undefined,
        now: () => at,
      }).recordMonitoring({
        jobId,
        modelVersionId: model.row.id,
        modelVersion: model.row.version,
        weightedF1: 0.9 - i / 100,
        minF1: 0.7,
        perClassF1: { Beverages: 0.95, 'Dry Goods & Pantry Staples': 0.85 },
        rows: 200,
        labelledRows: 100,
        seenRows: 0,
        latencyPerRowMs: 0.02,
      });
    }
    // Two workers at once: still one monitoring run for the version.
    await drain(fixture, [fixture.worker(), fixture.worker()]);

    const runs = [...fixture.mlflow.state.runs.values()].filter(
      (run) => run.tags.get(RUN_TAGS.monitoringOf) === String(model.row.version),
    );
    expect(runs).toHaveLength(1);
    const [run] = runs;
    expect(run?.runName).toBe(`monitoring-v${model.row.version}`);
    const f1 = run?.metricHistory.filter((metric) => metric.key === 'weighted_f1') ?? [];
    expect(f1.map((metric) => metric.step).sort()).toEqual(times.map((at) => at / 1000));
    expect(f1.map((metric) => metric.value).sort()).toEqual([0.88, 0.89, 0.9]);
    for (const key of [
      'min_f1',
      'rows',
      'labelled_rows',
      'seen_rows',
      'unseen_rows',
      'latency_per_row_ms',
      'f1_dry_goods_pantry_staples',
    ]) {
      expect(
        run?.metricHistory.filter((metric) => metric.key === key),
        key,
      ).toHaveLength(3);
    }
    for (const jobId of jobIds) expect((await fixture.jobs.findById(jobId))?.tracking).toBe('SENT');
  });
});
