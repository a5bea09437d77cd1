import { ApiKeyRepository, generateApiKey, InputGrantRepository } from '@shelfwise/db';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apikeyScript } from '../support/apikey-script';

// `pnpm apikey grant|ungrant|grants` as an operator runs it (scripts/apikey.ts), against a database of its own.
describe('pnpm apikey grant', () => {
  let database: TestDatabase;

  const apikey = (args: string[]) => apikeyScript(args, database.url, { S3_BUCKET_DATASET: 'data-set' });

  beforeAll(async () => {
    database = await createTestDatabase('apikey_grants');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('grants a client key a dataset prefix, lists it, takes it back, and refuses system prefixes', async () => {
    const made = generateApiKey();
    await new ApiKeyRepository(database.db).create({
      id: made.id,
      hash: made.hash,
      name: 'tenant',
      role: 'CLIENT',
    });
    const grants = new InputGrantRepository(database.db);

    const granted = await apikey(['grant', made.id, 's3://data-set/shared/']);
    expect(granted.code, granted.stderr).toBe(0);
    expect(await grants.listFor(made.id)).toEqual(['s3://data-set/shared/']);
    expect((await apikey(['grants', made.id])).stdout.trim()).toBe('s3://data-set/shared/');

    for (const prefix of ['s3://data-set/feedback/', 's3://inference/', 's3://data-set/shared']) {
      const refused = await apikey(['grant', made.id, prefix]);
      expect(refused.code, prefix).toBe(2);
      expect(refused.stderr).toContain(`cannot grant ${prefix}`);
    }
    expect((await apikey(['grant', 'no-such-key', 's3://data-set/shared/'])).stderr).toContain(
      'no active key',
    );

    expect((await apikey(['ungrant', made.id, 's3://data-set/shared/'])).code).toBe(0);
    expect(await grants.listFor(made.id)).toEqual([]);
    expect((await apikey(['ungrant', made.id, 's3://data-set/shared/'])).code).toBe(2);
  });
});
