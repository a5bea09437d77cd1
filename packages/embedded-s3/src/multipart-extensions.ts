import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The parts of s3rver's Koa context and filesystem store these operations use. */
interface Context {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}
interface Store {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}
type Middleware = (ctx: Context, next: () => Promise<unknown>) => Promise<unknown>;

const XMLNS = { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' };

/**
 * AbortMultipartUpload, ListMultipartUploads and UploadPartCopy, which s3rver lacks (it answers 405 / 501):
 * without the first two an aborted upload's parts stay on disk for ever, and nothing can show that none were
 * left behind; without the third a chunked job's parts pass through the worker to be joined, which costs
 * the embedded server and the worker a read and a write of every byte. Same wire format as S3; the parts
 * live where s3rver keeps them (`<bucket>/._S3rver_uploads/<upload id>/<part number>` + `.md5`).
 */
export function multipartExtensions(store: Store): Middleware {
  const uploadsDir = (bucket: string) => store.getResourcePath(bucket, undefined, 'uploads');
  return async (ctx, next) => {
    // Path style: /<bucket>/<key>; the SDK sends bucket-level calls as /<bucket>/.
    const [, bucket = '', ...rest] = ctx.path.split('/');
    const key = rest.join('/');
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && typeof uploadId === 'string' && key !== '') {
      // An id that is no upload's is refused like S3 does; path segments in it never leave the folder.
      const dir = join(uploadsDir(bucket), uploadId);
      if (uploadId.includes('/') || !(await exists(dir))) {
        return fail(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      }
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
    }
    if (ctx.method === 'PUT' && typeof uploadId === 'string' && 'x-amz-copy-source' in ctx.headers) {
      // A byte range of the source is left to s3rver, which answers NotImplemented (callers fall back).
      if (!('x-amz-copy-source-range' in ctx.headers)) {
        await uploadPartCopy(ctx, store, join(uploadsDir(bucket), uploadId));
        return;
      }
    }
    if (ctx.method === 'GET' && 'uploads' in ctx.query && key === '') {
      const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
      const uploads = [];
      for (const id of await readdir(uploadsDir(bucket)).catch(() => [])) {
        const dir = join(uploadsDir(bucket), id);
        const uploadKey = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined);
        if (uploadKey === undefined || !uploadKey.startsWith(prefix)) continue;
        const initiated = (await stat(dir)).birthtime.toISOString();
        uploads.push({ Key: uploadKey, UploadId: id, Initiated: initiated });
      }
      ctx.status = 200;
      ctx.body = {
        ListMultipartUploadsResult: {
          '@': XMLNS,
          Bucket: bucket,
          Prefix: prefix,
          MaxUploads: 1000,
          IsTruncated: false,
          Upload: uploads,
        },
      };
      return;
    }
    return next();
  };
}

/** Copies a whole stored object into an upload as one part, on disk, honouring `x-amz-copy-source-if-match`. */
async function uploadPartCopy(ctx: Context, store: Store, uploadDir: string): Promise<void> {
  const uploadId = String(ctx.query.uploadId);
  const partNumber = Number(ctx.query.partNumber);
  if (uploadId.includes('/') || !(await exists(uploadDir))) {
    return fail(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
  }
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
    return fail(ctx, 400, 'InvalidArgument', 'Part number must be an integer between 1 and 10000.');
  }
  // `/<bucket>/<key>` or `<bucket>/<key>`, URI-encoded, optionally `?versionId=` (one version is kept here).
  const source = decodeURI(String(ctx.headers['x-amz-copy-source']).split('?')[0] ?? '').replace(/^\//, '');
  const [sourceBucket = '', ...sourceKey] = source.split('/');
  const objectPath = store.getResourcePath(sourceBucket, sourceKey.join('/'), 'object');
  if (sourceKey.length === 0 || !(await exists(objectPath))) {
    return fail(ctx, 404, 'NoSuchKey', 'The specified key does not exist.');
  }
  const md5 = await readFile(`${objectPath}.md5`, 'utf8').catch(() => md5Of(objectPath));
  const ifMatch = ctx.headers['x-amz-copy-source-if-match'];
  if (typeof ifMatch === 'string' && ifMatch.replace(/"/g, '') !== md5) {
    return fail(
      ctx,
      412,
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
    );
  }
  const partPath = join(uploadDir, String(partNumber));
  await copyFile(objectPath, partPath);
  await writeFile(`${partPath}.md5`, md5);
  ctx.status = 200;
  ctx.body = {
    CopyPartResult: { '@': XMLNS, LastModified: new Date().toISOString(), ETag: JSON.stringify(md5) },
  };
}

function fail(ctx: Context, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.body = { Error: { Code: code, Message: message } };
}

function md5Of(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('md5');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
