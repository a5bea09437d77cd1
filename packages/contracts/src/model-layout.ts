/**
 * A model version's files, wherever a model is kept: its folder in the models bucket
 * (`s3://<bucket>/<version>/`, the version's `artifact_uri`) and a directory the classifier CLI writes.
 * The API tells clients what the folder holds, and MLflow gets the same names under `model/`.
 */
export const MODEL_FILES = { onnx: 'model.onnx', manifest: 'manifest.json' } as const;

/** The folder of a new version in the models bucket; recorded as the version's `artifactUri`. */
export const modelVersionUri = (bucket: string, version: number): string => `s3://${bucket}/${version}/`;

/** A recorded folder with its trailing slash: a prefix that matches its own files only (not `10/` for `1`). */
export const modelFolder = (artifactUri: string): string =>
  artifactUri.endsWith('/') ? artifactUri : `${artifactUri}/`;

/** The URI of each file in a version's folder. */
export function modelFileUris(artifactUri: string): { onnx: string; manifest: string } {
  const folder = modelFolder(artifactUri);
  return { onnx: `${folder}${MODEL_FILES.onnx}`, manifest: `${folder}${MODEL_FILES.manifest}` };
}
