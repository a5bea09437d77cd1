import { FEEDBACK_PREFIX, REVIEW_PREFIX } from './dataset-layout';

/**
 * The tenancy layout of the dataset bucket. A client key uploads into, and reads inputs from, its own
 * namespace `clients/<key id>/`; an admin may grant it other prefixes of the bucket, but never the prefixes
 * the system writes (predict jobs' feedback and review files), which are no client's input.
 */
export const SYSTEM_DATASET_PREFIXES = [FEEDBACK_PREFIX, REVIEW_PREFIX] as const;

export const clientNamespace = (keyId: string): string => `clients/${keyId}/`;

/** Why `prefixUri` cannot be granted to a client key as input; undefined when it can. */
export function grantRefusal(prefixUri: string, datasetBucket: string): string | undefined {
  const bucket = `s3://${datasetBucket}/`;
  if (!prefixUri.startsWith(bucket) || !prefixUri.endsWith('/')) {
    return `a grant is a prefix of the dataset bucket ending in /, like ${bucket}shared/`;
  }
  const key = prefixUri.slice(bucket.length);
  if (
    key === '' ||
    SYSTEM_DATASET_PREFIXES.some((system) => key.startsWith(system) || system.startsWith(key))
  ) {
    return `${SYSTEM_DATASET_PREFIXES.join(' and ')} are the system's, never a client's input`;
  }
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    return 'a grant may not contain . or .. segments';
  }
  return undefined;
}
