// Shared set-up for the benchmarks: a throwaway database, S3 server, queue prefix and a trained,
// promoted model, then the real worker (and gateway) processes. Not a test: it prints figures.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LabelledText, readLabelledCsv, train } from '@shelfwise/classifier';
import { createPrismaClient, type Db, migrate } from '@shelfwise/db';
import { type EmbeddedS3, startEmbeddedS3 } from '@shelfwise/embedded-s3';
import { createObjectStore, type ObjectStore } from '@shelfwise/storage';
import { dropDatabase } from '@shelfwise/test-kit';
import { publishServingModel } from '@shelfwise/test-kit/model';
import { trainingDataPath } from '../../packages/classifier/bench/training-data-path';
import { appRun } from '../../tests/support/app-image-run';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchStack {
  env: Record<string, string>;
  /** The ADMIN_API_KEY the apps run with, and the header that sends it. */
  auth: { authorization: string };
  db: Db;
  store: ObjectStore;
  buckets: { dataset: string; inference: string; models: string };
  examples: LabelledText[];
  /** Starts an app from its TypeScript through tsx, or with `built` its bundle (`pnpm build`) as its image does. */
  start(
    app: 'gateway' | 'worker',
    extra?: Record<string, string>,
    options?: { built?: boolean },
  ): ChildProcess;
  close(): Promise<void>;
}

export async function startBenchStack(): Promise<BenchStack> {
  const suffix = randomBytes(4).toString('hex');
  const adminKey = `sw_bench_${randomBytes(32).toString('base64url')}`;
  const databaseUrl = `mysql://root@127.0.0.1:3306/sw_bench_${suffix}`;
  await migrate(databaseUrl, join(ROOT, 'prisma', 'migrations'));
  const db = createPrismaClient(databaseUrl);
  const dataDir = await mkdtemp(join(tmpdir(), 'shelfwise-bench-s3-'));
  const s3: EmbeddedS3 = await startEmbeddedS3({ port: 0, dataDir });
  const buckets = {
    dataset: `dataset-${suffix}`,
    inference: `inference-${suffix}`,
    models: `models-${suffix}`,
  };
  const settings = {
    endpoint: s3.endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  };
  const store = createObjectStore(settings, Object.values(buckets));
  await store.ensureBuckets();

  // The real set (TRAINING_DATA_CSV): the benches serve a model of production quality and realistic texts.
  const examples = await readLabelledCsv(trainingDataPath());
  await publishServingModel(db, store, buckets.models, await train(examples, { epochs: 5, seed: 42 }));

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    // The processes run as the images run them (infra/docker/app.Dockerfile sets it and says why).
    MALLOC_ARENA_MAX: '2',
    DATABASE_URL: databaseUrl,
    S3_ENDPOINT: s3.endpoint,
    S3_BUCKET_DATASET: buckets.dataset,
    S3_BUCKET_INFERENCE: buckets.inference,
    S3_BUCKET_MODELS: buckets.models,
    QUEUE_PREFIX: `{bench-${suffix}}`,
    LOG_LEVEL: 'warn',
    ADMIN_API_KEY: adminKey,
    // The benches measure throughput: the per-key limit must not be what they hit.
    RATE_LIMIT_PER_MINUTE: '100000000',
  };
  const children: ChildProcess[] = [];
  return {
    env,
    auth: { authorization: `Bearer ${adminKey}` },
    db,
    store,
    buckets,
    examples,
    start(app, extra = {}, { built = false } = {}) {
      // BENCH_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the apps under load; a built
      // app gets them as NODE_OPTIONS, beside its image's flags.
      const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
      // Built, an app runs by its image's command, with the node flags and environment the image gives it.
      const run = appRun(app, built, nodeArgs);
      const child = spawn(run.command, run.args, {
        cwd: ROOT,
        env: { ...env, ...run.env, ...(built ? { NODE_OPTIONS: nodeArgs.join(' ') } : {}), ...extra },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    },
    async close() {
      // A profiled process writes its --cpu-prof file only when it exits on its own: SIGTERM, then wait.
      const profiling = Boolean(process.env.BENCH_NODE_ARGS);
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill(profiling ? 'SIGTERM' : 'SIGKILL');
          await exited;
        }),
      );
      await db.$disconnect();
      await s3.close();
      await rm(dataDir, { recursive: true, force: true });
      await dropDatabase(databaseUrl);
    },
  };
}

/** Polls until `probe` answers true or the deadline passes. */
export async function until(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`not done within ${timeoutMs} ms`);
}

/** Peak resident set of a process (VmHWM), in MB. */
export const peakRssMb = (pid: number): Promise<number> => statusMb(pid, 'VmHWM');

/** CPU time a process has used so far (user + system), in seconds (/proc/<pid>/stat, 100 ticks/s). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU time every core of the machine has been busy so far (all but idle and iowait), in seconds (/proc/stat). */
export async function machineCpuSeconds(): Promise<number> {
  const [, user, nice, system, , , irq, softirq, steal] =
    (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]?.split(/\s+/).map(Number) ?? [];
  return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / 100;
}

/** Resident set of a process now (VmRSS), in MB. */
export const rssMb = (pid: number): Promise<number> => statusMb(pid, 'VmRSS');

async function statusMb(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}
