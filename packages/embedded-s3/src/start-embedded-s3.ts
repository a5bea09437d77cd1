import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { multipartExtensions } from './multipart-extensions';

export interface EmbeddedS3 {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * An S3-compatible server in-process (s3rver), storing under `dataDir`: the local stand-in for MinIO.
 * Port 0 picks a free port (tests). It accepts any credentials signed with its fixed S3RVER key pair, and
 * answers the multipart operations s3rver lacks (abort, list), so aborted uploads leave nothing behind.
 */
export async function startEmbeddedS3(options: { port: number; dataDir: string }): Promise<EmbeddedS3> {
  await mkdir(options.dataDir, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory: options.dataDir,
    silent: true,
    // Path-style only: bucket names never appear in the host name.
    vhostBuckets: false,
    allowMismatchedSignatures: true,
  });
  // s3rver is a Koa app whose last middleware is its router: the multipart operations it lacks go just before.
  const app = server as unknown as {
    middleware: unknown[];
    store: Parameters<typeof multipartExtensions>[0];
  };
  app.middleware.splice(app.middleware.length - 1, 0, multipartExtensions(app.store));
  // Its first middleware logs every response, formatting (colours, sizes, times) even when silent: ~8% of
  // its CPU per HEAD. Nothing is logged silently, so nothing is lost without it.
  const [logger] = app.middleware as { name?: string }[];
  if (logger?.name !== 'logger') throw new Error('s3rver changed: its first middleware is not its logger');
  app.middleware.shift();
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    close: () => server.close(),
  };
}
