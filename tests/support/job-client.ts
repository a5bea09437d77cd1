import type { JobReport } from '@shelfwise/contracts';
import { expect } from 'vitest';
import { bearer, pollUntil, TEST_ADMIN_KEY } from './app-process';

export interface JobView {
  job_id: string;
  type: string;
  status: string;
  progress: number;
  attempts: number;
  result: {
    output_uri: string | null;
    model_version: number | null;
    details: Record<string, unknown>;
  } | null;
  error: { code: string; message: string } | null;
  /** A training job's epochs and promotion decision. */
  report: JobReport | null;
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** The gateway's job API as a test uses it, authenticated with `key`: submit, read, wait for an end. */
export function jobClient(api: string, key: string = TEST_ADMIN_KEY) {
  const auth = bearer(key);
  const post = async (path: string, body: unknown): Promise<Answer> => {
    const response = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as never };
  };
  const get = async (path: string): Promise<Answer> => {
    const response = await fetch(`${api}${path}`, { headers: auth, signal: AbortSignal.timeout(15_000) });
    return { status: response.status, headers: response.headers, body: (await response.json()) as never };
  };
  const job = async (id: string) => (await get(`/v1/jobs/${id}`)).body as unknown as JobView;
  return {
    post,
    get,
    job,
    async submit(path: string, body: unknown): Promise<string> {
      const answer = await post(path, body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      return answer.body.job_id as string;
    },
    /** Polls until the job ends (SUCCEEDED, FAILED or CANCELLED). */
    finished: (id: string, timeoutMs = 60_000) =>
      pollUntil(
        () => job(id),
        (view) => TERMINAL.includes(view.status),
        { timeoutMs, intervalMs: 100 },
      ),
    /** Polls until `accept` holds for the job's view. */
    until: (id: string, accept: (view: JobView) => boolean, timeoutMs = 60_000) =>
      pollUntil(() => job(id), accept, { timeoutMs, intervalMs: 50 }),
  };
}

export type JobClient = ReturnType<typeof jobClient>;
