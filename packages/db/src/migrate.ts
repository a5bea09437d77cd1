import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createConnection } from 'mariadb';
import { connectionOptions } from './connection-options';
import { MigrationError } from './migration-error';

// The bookkeeping table exactly as `prisma migrate deploy` creates it on MySQL, so Prisma's own CLI
// can take over a database migrated by this script and the other way round.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) PRIMARY KEY NOT NULL,
  checksum VARCHAR(64) NOT NULL,
  finished_at DATETIME(3),
  migration_name VARCHAR(255) NOT NULL,
  logs TEXT,
  rolled_back_at DATETIME(3),
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`;

// Prisma takes the same advisory lock, so two deploys (ours or Prisma's) never interleave.
const LOCK = 'prisma_migrate';

export interface MigrateResult {
  applied: string[];
  /** Applied migrations whose file changed since; Prisma warns about these too. */
  modified: string[];
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** Prisma's checksum: SHA-256 of the migration.sql bytes, hex. */
export const migrationChecksum = (script: string): string =>
  createHash('sha256').update(script).digest('hex');

/** Creates the database if missing and applies pending migrations in name order, like `prisma migrate deploy`. */
export async function migrate(databaseUrl: string, migrationsDir: string): Promise<MigrateResult> {
  const { database, ...server } = connectionOptions(databaseUrl);
  const connection = await createConnection({ ...server, multipleStatements: true });
  try {
    await connection.query(
      `CREATE DATABASE IF NOT EXISTS \`${database.replaceAll('`', '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await connection.query(`USE \`${database.replaceAll('`', '``')}\``);
    const [lock] = await connection.query<{ locked: number }[]>('SELECT GET_LOCK(?, 60) AS locked', [LOCK]);
    if (lock?.locked !== 1) throw new MigrationError('*', 'timed out waiting for the migration lock');
    try {
      await connection.query(MIGRATIONS_TABLE);
      return await applyPending(connection, migrationsDir);
    } finally {
      await connection.query('SELECT RELEASE_LOCK(?)', [LOCK]);
    }
  } finally {
    await connection.end();
  }
}

type Connection = Awaited<ReturnType<typeof createConnection>>;

async function applyPending(connection: Connection, migrationsDir: string): Promise<MigrateResult> {
  const rows = await connection.query<AppliedRow[]>(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
  );
  const failed = rows.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      failed.migration_name,
      'a previous attempt failed; fix the database and mark it resolved',
    );
  }
  const done = new Map(rows.map((row) => [row.migration_name, row.checksum]));
  const result: MigrateResult = { applied: [], modified: [] };
  for (const name of await migrationNames(migrationsDir)) {
    const script = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
    const checksum = migrationChecksum(script);
    const applied = done.get(name);
    if (applied !== undefined) {
      if (applied !== checksum) result.modified.push(name);
      continue;
    }
    await apply(connection, name, script, checksum);
    result.applied.push(name);
  }
  return result;
}

async function migrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function apply(connection: Connection, name: string, script: string, checksum: string): Promise<void> {
  const id = randomUUID();
  await connection.query(
    'INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)',
    [id, checksum, name],
  );
  try {
    await connection.query(script);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await connection.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [message, id]);
    throw new MigrationError(name, message);
  }
  await connection.query(
    'UPDATE _prisma_migrations SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?',
    [id],
  );
}
