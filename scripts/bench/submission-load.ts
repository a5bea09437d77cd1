import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LOAD_PROCESS = fileURLToPath(new URL('./submission-load-process.ts', import.meta.url));
// Where `--import tsx` resolves from.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface SubmissionLoadOptions {
  /** The gateway, e.g. http://127.0.0.1:8000 */
  gateway: string;
  /** The S3 object every job predicts (small: the load is on the submit path, not on inference). */
  inputUri: string;
  /** Measured submissions, after `warmup` more that are not (a just-started gateway's JIT, pools, caches). */
  submissions: number;
  warmup?: number;
  connections: number;
  /** Sent as `Authorization: Bearer`. */
  apiKey: string;
}

export interface LoadPhase {
  /** Mean accepted submissions per second over the phase. */
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  durationS: number;
}

/** The measured phase's figures, and the warm-up's. */
export interface SubmissionLoad extends LoadPhase {
  /** job_id of every 202 answer, warm-up included, in the order the answers came. */
  jobIds: string[];
  /** Answers by HTTP status, warm-up included (a connection error counts under 0). */
  statuses: Record<number, number>;
  warmup: LoadPhase | undefined;
  /** The load generator's own CPU per request (its process, start-up included). */
  cpuMsPerRequest: number;
}

/**
 * `warmup` then `submissions` POST /v1/predict/csv from `connections` concurrent clients (autocannon, in a process of its
 * own: in the caller's it would share an event loop with whatever else the caller serves, such as the
 * benchmarks' embedded S3), collecting the job id of every accepted submission so the caller can check that
 * each one exists exactly once.
 */
export async function submitUnderLoad(options: SubmissionLoadOptions): Promise<SubmissionLoad> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', LOAD_PROCESS, JSON.stringify(options)], {
    cwd: ROOT,
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(stdout) as SubmissionLoad;
}
