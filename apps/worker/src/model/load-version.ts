import type { LoadModelOptions, Predictor } from '@shelfwise/classifier';
import type { ModelVersion } from '@shelfwise/db';
import type { ModelArtifactStore } from '@shelfwise/model-store';

/** Opens a model for serving; the manifest as an object (just exported) or as its stored JSON text. */
export type LoadPredictor = (model: Pick<LoadModelOptions, 'onnx' | 'manifest'>) => Promise<Predictor>;

/** Reads a version's files from its folder in the models bucket and loads them. */
export async function loadVersion(
  artifacts: ModelArtifactStore,
  load: LoadPredictor,
  row: Pick<ModelVersion, 'artifactUri'>,
): Promise<Predictor> {
  return load(await artifacts.load(row.artifactUri));
}
