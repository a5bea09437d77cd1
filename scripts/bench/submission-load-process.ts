// The load generator of submitUnderLoad (submission-load.ts), run as a process of its own: options as JSON
// in argv[2], the SubmissionLoad as JSON on stdout.
import autocannon from 'autocannon';
import type { LoadPhase, SubmissionLoad, SubmissionLoadOptions } from './submission-load';

const options = JSON.parse(process.argv[2] ?? '{}') as SubmissionLoadOptions;
const jobIds: string[] = [];
const statuses: Record<number, number> = {};

/** `amount` submissions from the clients; every answer counted, every accepted job's id kept. */
async function phase(amount: number): Promise<LoadPhase> {
  const accepted = jobIds.length;
  const result = await autocannon({
    url: `${options.gateway}/v1/predict/csv`,
    connections: options.connections,
    amount,
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
  if (result.errors > 0) statuses[0] = (statuses[0] ?? 0) + result.errors;
  return {
    perSecond: (jobIds.length - accepted) / result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    durationS: result.duration,
  };
}

const warmup = options.warmup ? await phase(options.warmup) : undefined;
const measured = await phase(options.submissions);
const { user, system } = process.cpuUsage();
const cpuMsPerRequest = (user + system) / 1_000 / (options.submissions + (options.warmup ?? 0));
const load: SubmissionLoad = { jobIds, statuses, ...measured, warmup, cpuMsPerRequest };
process.stdout.write(JSON.stringify(load));
