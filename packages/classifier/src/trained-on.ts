import type { ModelManifest } from './model-manifest';
import { FingerprintReader } from './training-fingerprint';

const readers = new WeakMap<ModelManifest, FingerprintReader | null>();

/** The decoded training-set fingerprint of a manifest (cached per manifest object); null for format 1. */
export function trainingSetOf(manifest: ModelManifest): FingerprintReader | null {
  let reader = readers.get(manifest);
  if (reader === undefined) {
    reader = manifest.trainingSet ? new FingerprintReader(manifest.trainingSet.fingerprint) : null;
    readers.set(manifest, reader);
  }
  return reader;
}

/**
 * Whether the model of `manifest` was fitted on `text` (compared after normalizeText): true for every text
 * it was fitted on, and for about 0.1% of the others (a Bloom filter); undefined when the manifest does not
 * say (format 1). A row neither of two models trained on is one where both answer false.
 */
export function trainedOn(manifest: ModelManifest, text: string): boolean | undefined {
  return trainingSetOf(manifest)?.has(text);
}
