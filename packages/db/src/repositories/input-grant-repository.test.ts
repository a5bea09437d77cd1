import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputGrantRepository } from './input-grant-repository';

describe('InputGrantRepository on MySQL', () => {
  let database: TestDatabase;
  let grants: InputGrantRepository;

  beforeAll(async () => {
    database = await createTestDatabase('grants');
    grants = new InputGrantRepository(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('grants a prefix once, covers what lies under it for that key only, and takes it back', async () => {
    await grants.grant('key-a', 's3://dataset/shared/');
    await grants.grant('key-a', 's3://dataset/shared/');
    expect(await grants.listFor('key-a')).toEqual(['s3://dataset/shared/']);
    expect(await grants.covers('key-a', 's3://dataset/shared/2026/x.csv')).toBe(true);
    expect(await grants.covers('key-a', 's3://dataset/sharedx/x.csv')).toBe(false);
    expect(await grants.covers('key-b', 's3://dataset/shared/x.csv')).toBe(false);
    expect(await grants.revoke('key-a', 's3://dataset/shared/')).toBe(true);
    expect(await grants.revoke('key-a', 's3://dataset/shared/')).toBe(false);
    expect(await grants.covers('key-a', 's3://dataset/shared/x.csv')).toBe(false);
  });
});
