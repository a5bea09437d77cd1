import type { LoadModelOptions, Predictor } from '@shelfwise/classifier';
import type { ModelVersion, ModelVersionRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { ModelArtifactStore } from '@shelfwise/model-store';

/** Opens a model for serving; the manifest as an object (just exported) or as its stored JSON text. */
export type LoadPredictor = (model: Pick<LoadModelOptions, 'onnx' | 'manifest'>) => Promise<Predictor>;

/** What the serving cache and the shadow models both need: the versions, their files, a loader, a log. */
export interface VersionLoading {
  models: ModelVersionRepository;
  artifacts: ModelArtifactStore;
  load: LoadPredictor;
  logger: Logger;
}

/** Reads a version's files from its folder in the models bucket and loads them. */
export async function loadVersion(
  artifacts: ModelArtifactStore,
  load: LoadPredictor,
  row: Pick<ModelVersion, 'artifactUri'>,
): Promise<Predictor> {
  return load(await artifacts.load(row.artifactUri));
}
