import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apikeyScript } from '../support/apikey-script';
import { bearer, freePort, TEST_ADMIN_KEY } from '../support/app-process';
import { type RunningSystem, startSystem } from '../support/start-system';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIR = mkdtempSync(join(tmpdir(), 'shelfwise-cli-'));
// Each command is a process of its own (tsx start-up, seconds on a busy machine): a test running a dozen
// of them gets more than the default minute.
const CLI_TEST_TIMEOUT_MS = 180_000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// The `shelfwise` command as users run it (its bin file, through tsx), against the real gateway and worker.
describe('the shelfwise CLI against the running system', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let system: RunningSystem;

  const shelfwise = (args: string[], env: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        join(ROOT, 'apps/cli/src/main.ts'),
        args,
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            SHELFWISE_API: system.api,
            SHELFWISE_API_KEY: TEST_ADMIN_KEY,
            ...env,
          },
          timeout: 150_000,
        },
        (error, stdout, stderr) => {
          const code = error && typeof error.code === 'number' ? error.code : error ? -1 : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });

  /** Runs with --json; the one line on stdout is the API's answer. */
  const json = async (args: string[]) => {
    const run = await shelfwise([...args, '--json']);
    // biome-ignore lint/suspicious/noExplicitAny: the answers of many commands.
    return { ...run, body: JSON.parse(run.stdout) as any };
  };

  const file = async (name: string, header: string[], rows: string[][]) => {
    const path = join(DIR, name);
    await writeFile(path, toCsv(header, rows));
    return path;
  };

  /** `pnpm apikey …` as an operator runs it, against this system's database. */
  const apikey = (args: string[]) => apikeyScript(args, system.database.url);

  beforeAll(async () => {
    system = await startSystem('e2e_cli', { AUTO_PROMOTE: 'never' });
  });

  it('needs a key: none is a 401, a client key made by `pnpm apikey` works until it is revoked', async () => {
    const none = await shelfwise(['models'], { SHELFWISE_API_KEY: '' });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('UNAUTHENTICATED');

    const created = await apikey(['create', '--name', 'cli test', '--role', 'client']);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1) ?? '';
    expect(key).toMatch(/^sw_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const id = key.split('_')[1] ?? '';
    expect((await apikey(['list'])).stdout).toContain(`${id}\tclient\tactive`);

    expect((await shelfwise(['models', '--api-key', key])).code).toBe(0);
    const promote = await shelfwise(['promote', '1', '--api-key', key]);
    expect(promote.code).toBe(3);
    expect(promote.stderr).toContain('FORBIDDEN');

    expect((await apikey(['revoke', id])).code).toBe(0);
    const revoked = await shelfwise(['models'], { SHELFWISE_API_KEY: key });
    expect(revoked.code).toBe(3);
    expect(revoked.stderr).toContain('UNAUTHENTICATED');
  });

  afterAll(async () => {
    await system?.stop();
    await rm(DIR, { recursive: true, force: true });
  });

  it('uploads, trains, waits, lists, promotes, predicts and downloads, with exit codes scripts can trust', async () => {
    const early = `s3://${system.s3.buckets.dataset}/early.csv`;
    await system.s3.store.upload(early, toCsv(['product_description'], [['green tea']]));
    const noModel = await shelfwise(['predict', early, '--wait', '--timeout', '60']);
    expect(noModel.code).toBe(1);
    expect(noModel.stdout).toContain('error: NO_MODEL: no model version is serving yet');

    const train = labelledProducts(1_500);
    const trainFile = await file(
      'train set.csv',
      ['product_description', 'Category'],
      train.map((r) => [r.text, r.label]),
    );
    const uploaded = await json(['upload', trainFile]);
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect(uploaded.body.uri).toMatch(
      new RegExp(`^s3://${system.s3.buckets.dataset}/uploads/.+-train-set\\.csv$`),
    );
    expect(await system.s3.store.exists(uploaded.body.uri)).toBe(true);

    const submitted = await json(['train', uploaded.body.uri, '--epochs', '2', '--metric', 'eval_f1_min']);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(submitted.body).toEqual({ job_id: expect.any(String), status: 'QUEUED' });
    const trained = await json(['wait', submitted.body.job_id, '--timeout', '120']);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.body).toMatchObject({ status: 'SUCCEEDED', progress: 1, result: { model_version: 1 } });

    const status = await shelfwise(['status', submitted.body.job_id]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${submitted.body.job_id}  TRAIN_CSV  SUCCEEDED  100%`);
    expect(status.stdout).toContain('model version: 1');

    // The first version serves at once; a second waits for `promote` (AUTO_PROMOTE=never).
    const second = await shelfwise([
      'train',
      uploaded.body.uri,
      '--epochs',
      '1',
      '--wait',
      '--timeout',
      '120',
    ]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('SUCCEEDED 100%');
    const before = await json(['models']);
    expect(before.body.map((m: { version: number; stage: string }) => [m.version, m.stage])).toEqual([
      [2, 'NONE'],
      [1, 'PRODUCTION'],
    ]);
    const promoted = await shelfwise(['promote', '2']);
    expect(promoted).toMatchObject({ code: 0, stdout: 'v2 now serves (PRODUCTION)\n' });
    const table = (await shelfwise(['models'])).stdout.split('\n');
    expect(table[0]).toMatch(/^version\s+status\s+stage\s+f1\s+min_f1\s+created$/);
    expect(table[1]).toMatch(/^\*v2\s+READY\s+PRODUCTION\s+0\.\d{3}\s+\d\.\d{3}\s/);
    expect(table[2]).toMatch(/^ v1\s+READY\s+ARCHIVED\s/);

    const held = labelledProducts(60, 3);
    const incoming = await json([
      'upload',
      await file(
        'incoming.csv',
        ['product_description'],
        held.map((r) => [r.text]),
      ),
    ]);
    const predicted = await json(['predict', incoming.body.uri, '--wait']);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.body).toMatchObject({
      type: 'PREDICT_CSV',
      status: 'SUCCEEDED',
      result: { model_version: 2 },
    });

    // The predictions, as stored: into a file (its path printed), or to stdout.
    const stored = (await system.s3.store.downloadBytes(predicted.body.result.output_uri)).toString('utf8');
    expect(stored.split('\n')[0]).toBe('product_description,predicted_category,confidence');
    const saved = join(DIR, 'predictions.csv');
    const download = await json(['download', predicted.body.job_id, '--output', saved]);
    expect(download.code, download.stderr).toBe(0);
    expect(download.body).toEqual({
      job_id: predicted.body.job_id,
      path: saved,
      bytes: Buffer.byteLength(stored),
    });
    expect(await readFile(saved, 'utf8')).toBe(stored);
    const piped = await shelfwise(['download', predicted.body.job_id]);
    expect(piped).toMatchObject({ code: 0, stdout: stored });
    // Its other files by name: no verified labels went in, so there is no feedback file, and the API says so.
    const noFeedbackFile = await shelfwise(['download', predicted.body.job_id, '--file', 'feedback']);
    expect(noFeedbackFile.code).toBe(3);
    expect(noFeedbackFile.stderr).toMatch(/feedback/);
    // A job without predictions: the API's 409, and no file, not even a partial one.
    const refused = await shelfwise(['download', submitted.body.job_id, '-o', join(DIR, 'none.csv')]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('CONFLICT');
    expect((await readdir(DIR)).filter((name) => name.startsWith('none.csv'))).toEqual([]);

    const feedback = await json([
      'train-feedback',
      `s3://${system.s3.buckets.dataset}/uploads/`,
      '--epochs',
      '1',
    ]);
    expect(feedback.code, feedback.stderr).toBe(0);
    // No file under the prefix has a verified label and no predict job captured any: nothing to learn from.
    const noFeedback = await shelfwise(['wait', feedback.body.job_id, '--timeout', '120']);
    expect(noFeedback.code).toBe(1);
    expect(noFeedback.stdout).toContain('error: NO_FEEDBACK');
  });

  it('exits 1 when the job fails, naming the problem', async () => {
    const bad = await json([
      'upload',
      await file(
        'bad.csv',
        ['sku', 'product_description'],
        [
          ['1', 'tea'],
          ['2', ''],
          ['3', 'coffee'],
        ],
      ),
    ]);
    const failed = await shelfwise(['predict', bad.body.uri, '--wait', '--timeout', '60']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAILED');
    expect(failed.stdout).toContain('error: INVALID_CSV');
  });

  it('exits 4 when --timeout passes while the job goes on, and 1 once it is cancelled', async () => {
    // Big enough that reading and training take seconds, however fast the trainer converges.
    const rows = labelledProducts(30_000, 2).map((r) => [r.text, r.label]);
    const uri = (await json(['upload', await file('long.csv', ['product_description', 'Category'], rows)]))
      .body.uri;
    // Far more epochs than needed: the job is still going when the 1 s wait gives up.
    const job = await json(['train', uri, '--epochs', '200']);
    const timedOut = await shelfwise(['wait', job.body.job_id, '--timeout', '1']);
    expect(timedOut.code, timedOut.stderr).toBe(4);
    expect(timedOut.stderr).toContain(`job ${job.body.job_id} is still`);
    await fetch(`${system.api}/v1/jobs/${job.body.job_id}/cancel`, { method: 'POST', headers: bearer() });
    const cancelled = await shelfwise(['wait', job.body.job_id, '--timeout', '60']);
    expect(cancelled.code).toBe(1);
    expect(cancelled.stdout).toContain('CANCELLED');
  });

  it('exits 3 on API errors and an unreachable API, 2 on usage errors', async () => {
    const missing = await json(['predict', `s3://${system.s3.buckets.dataset}/nothing.csv`]);
    expect(missing.code).toBe(3);
    expect(missing.body.error).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(missing.stderr).toContain('NOT_FOUND');
    const outside = await shelfwise(['predict', 's3://somewhere-else/x.csv']);
    expect(outside.code).toBe(3);
    expect(outside.stderr).toContain('INVALID_REQUEST');

    const down = await shelfwise(['models', '--api', `http://127.0.0.1:${await freePort()}`]);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('NETWORK');
    // Without SHELFWISE_API the CLI finds the gateway on this machine at the port it was started with.
    const local = await shelfwise(['models'], { SHELFWISE_API: '', PORT: new URL(system.api).port });
    expect(local.code, local.stderr).toBe(0);
    // A key path (apps/cli unit tests cover the names it refuses) is stored at that path: the original
    // bucket layout; this is the admin key, so at the bucket's top (a client key's go under clients/<id>/).
    const csv = await file('layout.csv', ['product_description', 'Category'], [['tea', 'Beverages']]);
    const nested = await json(['upload', csv, '--name', 'train/Training_Data.csv']);
    expect(nested.code, nested.stderr).toBe(0);
    expect(nested.body.uri).toBe(`s3://${system.s3.buckets.dataset}/train/Training_Data.csv`);

    for (const args of [
      ['train'],
      ['frobnicate'],
      ['train', 's3://d/t.csv', '--epochs', '0'],
      ['upload', join(DIR, 'no-such.csv')],
    ]) {
      const usage = await shelfwise(args);
      expect(usage.code, args.join(' ')).toBe(2);
    }
    const help = await shelfwise(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: shelfwise <command>');
  });
});
