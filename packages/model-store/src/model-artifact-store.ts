import { modelFileUris, modelFolder, modelVersionUri } from '@shelfwise/contracts';
import type { ObjectStore, StoredObject } from '@shelfwise/storage';

/** A model to store: its ONNX graph and its manifest (any JSON object; the classifier defines its shape). */
export interface ExportedModelFiles {
  onnx: Uint8Array;
  manifest: object;
}

/** A stored model as read back: the manifest as its JSON text, which the classifier's loader parses and checks. */
export interface StoredModelFiles {
  onnx: Uint8Array;
  manifest: string;
}

/**
 * The models bucket: each version's files in its own folder (`s3://<bucket>/<version>/`, recorded as the
 * version's `artifactUri`). Knows nothing of onnxruntime or the manifest's format, so any part may use it.
 */
export class ModelArtifactStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly bucket: string,
  ) {}

  /** The folder of a new version. */
  locate(version: number): string {
    return modelVersionUri(this.bucket, version);
  }

  /**
   * Uploads the model, then its manifest. Each is a multipart upload that leaves no object when it fails
   * or `signal` aborts; fencing the write (is the job still this run's?) is the caller's.
   */
  async save(
    folder: string,
    model: ExportedModelFiles,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<void> {
    const uris = modelFileUris(folder);
    await this.store.upload(uris.onnx, model.onnx, 'application/octet-stream', options);
    await this.store.upload(
      uris.manifest,
      JSON.stringify(model.manifest, null, 2),
      'application/json',
      options,
    );
  }

  /** Both files of the version stored in `folder`. */
  async load(folder: string): Promise<StoredModelFiles> {
    const uris = modelFileUris(folder);
    const [onnx, manifest] = await Promise.all([
      this.store.downloadBytes(uris.onnx),
      this.store.downloadBytes(uris.manifest),
    ]);
    return { onnx: new Uint8Array(onnx), manifest: manifest.toString('utf8') };
  }

  /** Every object in the folder: what a version left, whole or not (a training may have stopped midway). */
  list(folder: string): Promise<StoredObject[]> {
    return this.store.list(modelFolder(folder));
  }
}
