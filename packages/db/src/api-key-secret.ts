import { createHash, randomBytes } from 'node:crypto';

/** What a new key is: its id (not secret, shown in lists), the key to hand out once, and the hash to store. */
export interface GeneratedApiKey {
  id: string;
  key: string;
  hash: string;
}

/** sha256 hex of a presented key: the only form keys are stored or compared in. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** `sw_<id>_<32 random bytes, base64url>`: the prefix tells a leaked key's origin and id apart at a glance. */
export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(6).toString('hex');
  const key = `sw_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}
