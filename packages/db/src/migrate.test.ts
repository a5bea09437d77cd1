import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, MIGRATIONS_DIR, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migrationChecksum } from './migrate';

describe('migrate', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrate', { migrate: false });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('creates the database, applies every migration, then applies nothing the second time', async () => {
    const first = await migrate(database.url, MIGRATIONS_DIR);
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrate(database.url, MIGRATIONS_DIR);
    expect(second).toEqual({ applied: [], modified: [] });
  });

  it('records each migration as prisma migrate deploy does, with its SHA-256 checksum', async () => {
    const rows = await database.db.$queryRawUnsafe<
      { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]
    >(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const script = await readFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'), 'utf8');
      expect(row.checksum).toBe(migrationChecksum(script));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(Number(row.applied_steps_count)).toBe(1);
    }
  });

  it('uses the same checksum rule as Prisma (hex SHA-256 of the file bytes)', () => {
    expect(migrationChecksum('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
