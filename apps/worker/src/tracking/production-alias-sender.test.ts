import type { TrainedModel } from '@shelfwise/classifier';
import { ModelVersionRepository, withTransaction } from '@shelfwise/db';
import { trainSmallModel } from '@shelfwise/test-kit/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTrackingFixture,
  drain,
  runsOfJob,
  type StoredModel,
  storeTrainedModel,
  type TrackingFixture,
} from '../../test/tracking-fixture';
import { OutboxTracking } from './outbox-tracking';

describe("MLflow's production alias", () => {
  let fixture: TrackingFixture;
  let trained: TrainedModel;

  beforeAll(async () => {
    fixture = await createTrackingFixture('alias');
    trained = await trainSmallModel(1);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const promote = (version: number) =>
    withTransaction(fixture.database.db, (tx) => new ModelVersionRepository(tx).promote(version));
  const alias = () =>
    fixture.mlflow.state.registeredModels.get('shelfwise-classifier')?.aliases.get('production');
  const registeredVersionOf = (model: StoredModel) => {
    const [run] = runsOfJob(fixture.mlflow, model.jobId);
    return fixture.mlflow.state.registeredModels
      .get('shelfwise-classifier')
      ?.versions.find((version) => version.runId === run?.runId)?.version;
  };

  it('follows every promotion in MySQL, waiting for the version to be registered first', async () => {
    const first = await storeTrainedModel(fixture, trained);
    const second = await storeTrainedModel(fixture, trained);
    const worker = fixture.worker();
    // Promoted before its training run was even recorded: the alias entry waits for the registration.
    await promote(first.row.version);
    await worker.dispatcher?.sendDue();
    const waiting = await fixture.outbox.findForModelVersion('PRODUCTION_ALIAS', first.row.id);
    expect(waiting).toMatchObject({ status: 'PENDING', attempts: 1 });
    expect(waiting?.lastError).toMatch(/not registered/);

    const recorder = new OutboxTracking({ db: fixture.database.db, onRecorded: () => undefined });
    await recorder.recordTraining(first.run);
    await recorder.recordTraining(second.run);
    await drain(fixture, [worker]);
    expect(alias()).toBe(registeredVersionOf(first));

    // Promoted by hand (as the gateway does): only MySQL changes, the workers move the alias.
    await promote(second.row.version);
    await drain(fixture, [worker]);
    expect(alias()).toBe(registeredVersionOf(second));
  });

  it('never moves the alias back when the entry of a superseded promotion is sent late', async () => {
    const rollbackTarget = await fixture.models.findServing();
    if (!rollbackTarget) throw new Error('the first test leaves a serving version');
    const third = await storeTrainedModel(fixture, trained);
    await new OutboxTracking({ db: fixture.database.db, onRecorded: () => undefined }).recordTraining(
      third.run,
    );
    // Retries wait a minute here unless made due, so the test decides the order of the two alias entries:
    // the backoff's cap too (the fixture's 200 ms let a slow machine retry the superseded entry while MLflow
    // was down, which ends it as SENT with nothing to do, before the test could order them).
    const worker = fixture.worker({
      MLFLOW_OUTBOX_INTERVAL_MS: '60000',
      MLFLOW_OUTBOX_MAX_BACKOFF_MS: '60000',
    });
    await drain(fixture, [worker]);

    await fixture.mlflow.stop();
    try {
      await promote(third.row.version);
      await worker.dispatcher?.sendDue();
      await promote(rollbackTarget.version);
      await worker.dispatcher?.sendDue();
    } finally {
      await fixture.mlflow.restart();
    }
    const stale = await fixture.outbox.findForModelVersion('PRODUCTION_ALIAS', third.row.id);
    const current = await fixture.outbox.findForModelVersion('PRODUCTION_ALIAS', rollbackTarget.id);
    expect([stale?.status, current?.status]).toEqual(['PENDING', 'PENDING']);
    // The rollback's entry comes due first, the superseded one after it, as when its backoff ran longer.
    const db = fixture.database.db.trackingOutboxEntry;
    await db.update({ where: { id: current?.id }, data: { nextAttemptAt: new Date() } });
    await db.update({ where: { id: stale?.id }, data: { nextAttemptAt: new Date(Date.now() + 200) } });
    await drain(fixture, [worker]);

    expect((await fixture.outbox.findById(stale?.id ?? 0))?.status).toBe('SENT');
    const [run] = runsOfJob(fixture.mlflow, rollbackTarget.trainingJobId ?? '');
    const expected = fixture.mlflow.state.registeredModels
      .get('shelfwise-classifier')
      ?.versions.find((version) => version.runId === run?.runId)?.version;
    expect(expected).toBeDefined();
    expect(alias()).toBe(expected);
  });
});
