import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@shelfwise/config';
import { ApiKeyRepository, generateApiKey } from '@shelfwise/db';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startupAdminKeys } from './admin-keys';

describe('startupAdminKeys', () => {
  let database: TestDatabase;
  let keys: ApiKeyRepository;
  let dir: string;

  beforeAll(async () => {
    database = await createTestDatabase('admin_keys');
    keys = new ApiKeyRepository(database.db);
    dir = await mkdtemp(join(tmpdir(), 'shelfwise-dev-key-'));
  });

  afterAll(async () => {
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const configFor = (env: Record<string, string>) =>
    loadConfig({ DEV_ADMIN_KEY_FILE: join(dir, 'key'), ...env });

  it('keeps one development key in an owner-only file, across restarts, for any NODE_ENV but production', async () => {
    const told: string[] = [];
    const first = await startupAdminKeys(configFor({ NODE_ENV: 'development' }), keys, (file) =>
      told.push(file),
    );
    expect(first).toEqual([expect.stringMatching(/^sw_[0-9a-f]{12}_/)]);
    expect(told).toEqual([join(dir, 'key')]);
    expect((await stat(join(dir, 'key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, 'key'), 'utf8')).trim()).toBe(first?.[0]);
    // NODE_ENV=test (vitest's) has no branch of its own: it gets the development key too.
    expect(await startupAdminKeys(configFor({ NODE_ENV: 'test' }), keys, () => {})).toEqual(first);
  });

  it('refuses a key file others can read', async () => {
    const file = join(dir, 'open-key');
    await writeFile(file, `${generateApiKey().key}\n`);
    await chmod(file, 0o644);
    await expect(startupAdminKeys(configFor({ DEV_ADMIN_KEY_FILE: file }), keys, () => {})).rejects.toThrow(
      /can be read by others \(mode 644\): chmod 600/,
    );
  });

  it('in production neither reads nor writes the file: no keys anywhere means refusing to start', async () => {
    const file = join(dir, 'never');
    expect(
      await startupAdminKeys(configFor({ NODE_ENV: 'production', DEV_ADMIN_KEY_FILE: file }), keys, () => {}),
    ).toBe(undefined);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('takes ADMIN_API_KEY when set, and makes no development key once MySQL holds one', async () => {
    const env = { ADMIN_API_KEY: 'an-admin-key-from-the-environment' };
    expect(await startupAdminKeys(configFor(env), keys, () => {})).toEqual([env.ADMIN_API_KEY]);
    const { id, hash } = generateApiKey();
    await keys.create({ id, hash, name: 'ops', role: 'ADMIN' });
    const file = join(dir, 'not-needed');
    expect(await startupAdminKeys(configFor({ DEV_ADMIN_KEY_FILE: file }), keys, () => {})).toEqual([]);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });
});
