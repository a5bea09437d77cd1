/**
 * Where a client key's uploads go in the dataset bucket, and the only part of it the key may name as a
 * job input: `clients/<key id>/`. Admin keys upload anywhere in the bucket.
 */
export function clientNamespace(keyId: string): string {
  return `clients/${keyId}/`;
}
