import { writeFile } from 'node:fs/promises';
import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppProcess,
  bearer,
  freePort,
  getJson,
  pollUntil,
  startApp,
  waitReady,
} from '../support/app-process';
import {
  BAD_INPUT_CASES,
  type BadInputCase,
  type CaseRequest,
  type Expectation,
} from '../support/bad-input-cases';
import type { JobView } from '../support/job-client';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

interface Outcome {
  /** What happened, as one line for the report. */
  observed: string;
  /** Why it does not match the expectation; undefined when it does. */
  problem: string | undefined;
}

const short = (text: string, max = 160) => {
  const flat = text.replaceAll('\n', '\\n').replaceAll('|', '\\|');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
};

const describeExpected = (e: Expectation): string =>
  'http' in e
    ? `${e.http} ${e.code}${e.message ? ` ${e.message}` : ''}`
    : e.job === 'FAILED'
      ? `job FAILED ${e.code} ${e.message}`
      : `job SUCCEEDED, ${e.rows} row${e.rows === 1 ? '' : 's'}`;

// Every bad request and file through the real gateway and worker processes: each one gets its documented
// error (HTTP status and code, or a FAILED job whose reason names the problem), leaves nothing in S3, and
// no process falls over. BAD_INPUT_REPORT=<path> writes the table of cases as markdown.
describe('bad input', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let api: string;
  let workerUrl: string;
  const apps: AppProcess[] = [];
  const outcomes = new Map<BadInputCase, Outcome>();

  const send = async (request: CaseRequest) => {
    const hasBody = request.json !== undefined || request.raw !== undefined;
    const response = await fetch(`${api}${request.path}`, {
      method: request.method ?? 'POST',
      headers: {
        ...(hasBody ? { 'content-type': request.contentType ?? 'application/json' } : {}),
        ...bearer(),
        ...request.headers,
      },
      body: request.raw ?? (request.json === undefined ? undefined : JSON.stringify(request.json)),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { unparsed: text };
    }
    return { status: response.status, body };
  };

  /** Nothing the job would write may exist after it failed: predictions, feedback, a model version. */
  const leftovers = async (job: JobView): Promise<string[]> => {
    const found = (await s3.store.list(`s3://${s3.buckets.inference}/${job.job_id}/`)).map((o) => o.uri);
    if (await s3.store.exists(`s3://${s3.buckets.dataset}/feedback/${job.job_id}.csv`))
      found.push('feedback');
    const versions = await database.db.modelVersion.count({ where: { trainingJobId: job.job_id } });
    if (versions > 0) found.push(`${versions} model version(s)`);
    return found;
  };

  const judgeJob = async (expected: Expectation, job: JobView): Promise<Outcome> => {
    if ('http' in expected) return { observed: `job ${job.status}`, problem: 'expected an HTTP refusal' };
    if (job.status === 'FAILED') {
      const observed = `job FAILED ${job.error?.code}: ${job.error?.message}`;
      const left = await leftovers(job);
      if (expected.job !== 'FAILED') return { observed, problem: 'expected success' };
      if (job.error?.code !== expected.code) return { observed, problem: `code is not ${expected.code}` };
      if (!expected.message.test(job.error?.message ?? ''))
        return { observed, problem: 'reason does not match' };
      return { observed, problem: left.length > 0 ? `left behind: ${left.join(', ')}` : undefined };
    }
    const rows = Number(job.result?.details?.rows);
    const observed = `job ${job.status}, ${rows} row${rows === 1 ? '' : 's'}`;
    if (expected.job !== 'SUCCEEDED') return { observed, problem: 'expected the job to fail' };
    if (job.status !== 'SUCCEEDED' || rows !== expected.rows) return { observed, problem: 'wrong outcome' };
    const csv = (await s3.store.downloadBytes(job.result?.output_uri ?? '')).toString('utf8');
    return { observed, problem: expected.output?.(csv) };
  };

  beforeAll(async () => {
    database = await createTestDatabase('e2e_bad_input');
    s3 = await createTestS3();
    // A serving model: prediction files must get past "no model" to reach their own problems.
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    const env = {
      DATABASE_URL: database.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('bad-input'),
      JOB_BACKOFF_MS: '100',
      LOG_LEVEL: 'warn',
    };
    const port = await freePort();
    const workerPort = await freePort();
    api = `http://127.0.0.1:${port}`;
    workerUrl = `http://127.0.0.1:${workerPort}`;
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    apps.push(startApp('worker', { ...env, WORKER_PORT: String(workerPort) }));
    await waitReady(api, workerUrl);
  });

  afterAll(async () => {
    const report = process.env.BAD_INPUT_REPORT;
    if (report) {
      const rows = BAD_INPUT_CASES.map((c, i) => {
        const outcome = outcomes.get(c);
        const verdict = outcome ? (outcome.problem ? `✗ ${outcome.problem}` : '✓') : 'not run';
        return `| ${i + 1} | ${short(c.name)} | ${short(describeExpected(c.expected))} | ${short(outcome?.observed ?? '')} | ${short(verdict)} |`;
      });
      const table = ['| # | case | expected | observed | |', '|---|---|---|---|---|', ...rows].join('\n');
      await writeFile(report, `${table}\n`);
    }
    await Promise.all(apps.map((app) => app.stop('SIGTERM')));
    await database?.drop();
  });

  it(`handles ${BAD_INPUT_CASES.length} bad requests and files as documented, and stays up`, async () => {
    const dataset = `s3://${s3.buckets.dataset}`;
    const rowsBefore = await database.db.job.count();
    const jobs: { test: BadInputCase; id: string }[] = [];
    let refused = 0;
    for (const [index, test] of BAD_INPUT_CASES.entries()) {
      const dir = `${dataset}/bad/${index}/`;
      for (const [key, content] of Object.entries(test.files ?? {})) {
        await s3.store.upload(`${dir}${key}`, content, 'text/csv');
      }
      const answer = await send(test.request({ dir, dataset }));
      const error = answer.body.error as { code?: string; message?: string } | undefined;
      if (answer.status === 202) {
        jobs.push({ test, id: String(answer.body.job_id) });
        continue;
      }
      refused++;
      const observed = `${answer.status} ${error?.code ?? ''}: ${error?.message ?? JSON.stringify(answer.body)}`;
      const e = test.expected;
      const problem = !('http' in e)
        ? 'expected the request to be accepted'
        : answer.status !== e.http || error?.code !== e.code
          ? `expected ${e.http} ${e.code}`
          : e.message && !e.message.test(error?.message ?? '')
            ? 'message does not match'
            : undefined;
      outcomes.set(test, { observed, problem });
    }
    for (const { test, id } of jobs) {
      const job = await pollUntil(
        async () => (await getJson(`${api}/v1/jobs/${id}`)).body as JobView,
        (view) => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(view.status),
        { timeoutMs: 60_000, intervalMs: 100 },
      );
      outcomes.set(test, await judgeJob(test.expected, job));
    }

    const failures = BAD_INPUT_CASES.filter((c) => outcomes.get(c)?.problem !== undefined).map(
      (c) => `${c.name}: ${outcomes.get(c)?.problem} (observed ${outcomes.get(c)?.observed})`,
    );
    expect(failures).toEqual([]);
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(30);
    // A refused request records no job; every accepted one has exactly its row.
    expect(await database.db.job.count()).toBe(rowsBefore + jobs.length);
    expect(refused + jobs.length).toBe(BAD_INPUT_CASES.length);
    // Nobody fell over.
    for (const app of apps) expect(app.child.exitCode).toBeNull();
    for (const url of [api, workerUrl]) expect((await getJson(`${url}/readyz`)).status).toBe(200);
  });
});
