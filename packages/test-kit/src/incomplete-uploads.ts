import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { createS3Client, type S3Settings } from '@shelfwise/storage';

/** Multipart uploads under `prefix` begun and neither completed nor aborted, as the S3 server lists them. */
export async function incompleteUploads(
  settings: S3Settings,
  bucket: string,
  prefix: string,
): Promise<string[]> {
  const listed = await createS3Client(settings).send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  return (listed.Uploads ?? []).map((upload) => upload.Key ?? '');
}
