import { isStorageUnreachable } from '@shelfwise/storage';
import { createTestS3, type TestS3 } from '@shelfwise/test-kit';
import { type RestartableS3, startRestartableS3 } from '@shelfwise/test-kit/restartable-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Script,
  type ScriptedRunner,
  scriptedOutcome,
  startScriptedRunner,
} from '../test/scripted-runner';
import { until } from '../test/until';
import { createWorkerServices, type WorkerServices } from '../test/worker-services';

const RETRY_MS = 200;

// A real outage at the boundary: the S3 server the jobs read from goes down and comes back on its port.
describe('DependencyOutageGuard', () => {
  let server: RestartableS3;
  let s3: TestS3;
  let services: WorkerServices;
  let rig: ScriptedRunner;
  let probes = 0;
  let inputUri: string;

  /** Reads the input from S3, as every handler's first step does. */
  const readsInput: Script = async (context) => {
    const text = (await s3.store.downloadBytes(inputUri, { signal: context.signal })).toString();
    return scriptedOutcome(context.jobId, text.trim().split('\n').length - 1);
  };

  beforeAll(async () => {
    server = await startRestartableS3();
    s3 = await createTestS3(server.endpoint);
    services = await createWorkerServices('outage', s3);
    inputUri = `s3://${s3.buckets.dataset}/input.csv`;
    await s3.store.upload(inputUri, 'product_description\nGreen Tea\nBlack Beans\n');
    rig = await startScriptedRunner(services, {
      // As createWorker's S3 dependency, with its probe counted.
      dependencies: [
        {
          name: 'S3',
          isOutage: isStorageUnreachable,
          probe: () => {
            probes++;
            return s3.store.ping();
          },
          retryMs: RETRY_MS,
        },
      ],
    });
  });

  afterAll(async () => {
    await rig?.close();
    await services?.close();
    await server?.remove();
  });

  it('pauses the consumers and puts the job back uncounted while S3 is down; resumes when it answers', async () => {
    await server.stop();
    // One attempt only: had the outage counted as one, the job would be FAILED now.
    const first = await rig.submit(readsInput, 1);

    await until(async () => rig.consumer.isPaused(), 'the consumer pausing');
    const waiting = await until(async () => {
      const row = await services.jobs.findById(first);
      return row?.status === 'QUEUED' && row.errorCode ? row : undefined;
    }, 'the row given back');
    expect(waiting).toMatchObject({ status: 'QUEUED', errorCode: 'UNAVAILABLE', runToken: null });
    expect(waiting.errorMessage).toMatch(/object storage \(S3\) is unreachable/);
    const queued = await rig.queue.getJob(first);
    expect(queued?.attemptsMade).toBe(0);
    expect(await queued?.getState()).not.toBe('failed');

    // A job submitted meanwhile is not taken while paused: several probes later neither job ran again.
    const second = await rig.submit(readsInput, 1);
    const seen = probes;
    await until(async () => probes >= seen + 3, 'three more probes');
    expect(rig.calls.get(first)).toBe(1);
    expect(rig.calls.has(second)).toBe(false);
    expect(rig.consumer.isPaused()).toBe(true);

    await server.start();

    await until(async () => !rig.consumer.isPaused(), 'the consumer resuming');
    for (const id of [first, second]) expect(await (await rig.ended(id)).getState()).toBe('completed');
    expect(await services.jobs.findById(first)).toMatchObject({
      status: 'SUCCEEDED',
      errorCode: null,
      result: { rows: 2 },
    });
    expect(await services.jobs.findById(second)).toMatchObject({ status: 'SUCCEEDED', attempts: 1 });
    expect(rig.calls.get(first)).toBe(2);
    expect(rig.calls.get(second)).toBe(1);
  });
});
