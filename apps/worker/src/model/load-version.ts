import type { ModelManifest, Predictor } from '@shelfwise/classifier';
import type { ModelVersion } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';

export type LoadPredictor = (model: { onnx: Uint8Array; manifest: ModelManifest }) => Promise<Predictor>;

/** Downloads a version's model.onnx and manifest.json from its S3 folder and loads them. */
export async function loadVersion(
  store: ObjectStore,
  load: LoadPredictor,
  row: Pick<ModelVersion, 'artifactUri'>,
): Promise<Predictor> {
  const base = row.artifactUri.endsWith('/') ? row.artifactUri : `${row.artifactUri}/`;
  const [onnx, manifestBytes] = await Promise.all([
    store.downloadBytes(`${base}model.onnx`),
    store.downloadBytes(`${base}manifest.json`),
  ]);
  return load({
    onnx: new Uint8Array(onnx),
    manifest: JSON.parse(manifestBytes.toString('utf8')) as ModelManifest,
  });
}
