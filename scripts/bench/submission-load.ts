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
  submissions: number;
  connections: number;
  /** Sent as `Authorization: Bearer`. */
  apiKey: string;
}

export interface SubmissionLoad {
  /** job_id of every 202 answer, in the order the answers came. */
  jobIds: string[];
  /** Answers by HTTP status (a connection error counts under 0). */
  statuses: Record<number, number>;
  /** Mean accepted submissions per second over the run. */
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  durationS: number;
}

/**
 * `submissions` POST /v1/predict/csv from `connections` concurrent clients (autocannon, in a process of its
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
