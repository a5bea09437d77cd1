import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { S3Location } from './s3-uri';

/** S3's smallest part: every part of a multipart upload but the last must be at least this large. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

export interface CopySource extends S3Location {
  /** The version copied: a part replaced since fails the copy instead of being read. */
  etag?: string | undefined;
}

const isNotImplemented = (error: unknown) =>
  error instanceof S3ServiceException &&
  (error.name === 'NotImplemented' || error.$metadata.httpStatusCode === 501);

/**
 * Makes `target` the concatenation of `sources` inside S3 (UploadPartCopy, one part per source): no byte
 * passes through this process. Answers false, leaving nothing behind, when the store does not implement
 * UploadPartCopy (s3rver, the embedded S3, answers NotImplemented); any other failure aborts the upload and
 * is thrown. The caller makes sure every source but the last is at least MIN_PART_BYTES.
 */
export async function copyParts(
  client: S3Client,
  target: S3Location,
  sources: readonly CopySource[],
  contentType: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, ContentType: contentType }),
    { abortSignal: signal },
  );
  const upload = { Bucket: target.bucket, Key: target.key, UploadId };
  try {
    const parts = [];
    for (const [at, source] of sources.entries()) {
      const { CopyPartResult } = await client.send(
        new UploadPartCopyCommand({
          ...upload,
          PartNumber: at + 1,
          CopySource: encodeURI(`${source.bucket}/${source.key}`),
          CopySourceIfMatch: source.etag,
        }),
        { abortSignal: signal },
      );
      parts.push({ PartNumber: at + 1, ETag: CopyPartResult?.ETag });
    }
    await client.send(new CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts: parts } }), {
      abortSignal: signal,
    });
    return true;
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand(upload)).catch(() => {});
    if (isNotImplemented(error)) return false;
    throw error;
  }
}
