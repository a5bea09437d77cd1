import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedS3 } from '@shelfwise/embedded-s3';
import type {} from '@shelfwise/test-kit';
import type { TestProject } from 'vitest/node';

/** One embedded S3 server for the whole run; each test file makes buckets of its own on it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shelfwise-s3-'));
  const s3 = await startEmbeddedS3({ port: 0, dataDir });
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await s3.close();
    await rm(dataDir, { recursive: true, force: true });
  };
}
