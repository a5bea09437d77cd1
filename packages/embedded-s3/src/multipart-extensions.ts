import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The parts of s3rver's Koa context and filesystem store these operations use. */
interface Context {
  method: string;
  path: string;
  query: Record<string, string | string[] | undefined>;
  status: number;
  body: unknown;
}
interface Store {
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
}
type Middleware = (ctx: Context, next: () => Promise<unknown>) => Promise<unknown>;

const XMLNS = { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' };

/**
 * AbortMultipartUpload and ListMultipartUploads, which s3rver lacks (it answers 405 / 501): without them an
 * aborted upload's parts stay on disk for ever, and nothing can show that none were left behind. Same
 * wire format as S3; the parts live where s3rver keeps them (`<bucket>/._S3rver_uploads/<upload id>/`).
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
        ctx.status = 404;
        ctx.body = { Error: { Code: 'NoSuchUpload', Message: 'The specified upload does not exist.' } };
        return;
      }
      await rm(dir, { recursive: true, force: true });
      ctx.status = 204;
      return;
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

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );
