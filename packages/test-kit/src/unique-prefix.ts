import { randomBytes } from 'node:crypto';

/** A BullMQ/Redis key prefix of its own per test file (with a hash tag, as in production). */
export const uniquePrefix = (label: string): string => `{sw-test-${label}-${randomBytes(4).toString('hex')}}`;
