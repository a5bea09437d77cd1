import { S3Client } from '@aws-sdk/client-s3';

export interface S3Settings {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Path-style addressing works with MinIO and s3rver alike. Checksums only WHEN_REQUIRED: with the SDK's
 * defaults, streamed uploads to these servers are stored with the chunk framing and checksum trailer
 * inside the object.
 */
export function createS3Client(settings: S3Settings): S3Client {
  // The SDK prints a notice, once per process, that its releases from 2027 on will need Node 22. This
  // version is pinned, so the notice is for whoever upgrades it, not for every process that runs it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}
