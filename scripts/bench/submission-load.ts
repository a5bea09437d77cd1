import autocannon from 'autocannon';

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
 * `submissions` POST /v1/predict/csv from `connections` concurrent clients (autocannon), collecting the
 * job id of every accepted submission so the caller can check that each one exists exactly once.
 */
export async function submitUnderLoad(options: SubmissionLoadOptions): Promise<SubmissionLoad> {
  const jobIds: string[] = [];
  const statuses: Record<number, number> = {};
  const result = await autocannon({
    url: `${options.gateway}/v1/predict/csv`,
    connections: options.connections,
    amount: options.submissions,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
        body: JSON.stringify({ input_file_s3: options.inputUri }),
        onResponse: (status, body) => {
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (status === 202) jobIds.push((JSON.parse(body) as { job_id: string }).job_id);
        },
      },
    ],
  });
  if (result.errors > 0) statuses[0] = result.errors;
  return {
    jobIds,
    statuses,
    perSecond: jobIds.length / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    durationS: result.duration,
  };
}
