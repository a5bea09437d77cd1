export { type ExportedModelFiles, ModelArtifactStore, type StoredModelFiles } from './model-artifact-store';
