import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@shelfwise/storage';

/**
 * An artifact body that streams an S3 object: each call opens a fresh download, so the MLflow client
 * can retry the upload and a large model.onnx never sits in memory.
 */
export function s3ArtifactBody(store: ObjectStore, uri: string): () => Readable {
  return () => {
    const body = new PassThrough();
    store
      .download(uri)
      .then((source) => pipeline(source, body))
      .catch((error: unknown) => body.destroy(error instanceof Error ? error : new Error(String(error))));
    return body;
  };
}
