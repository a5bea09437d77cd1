import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { connectionOptions, createPrismaClient, type Db, migrate } from '@shelfwise/db';
import { createConnection } from 'mariadb';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  url: string;
  name: string;
  db: Db;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(
  label: string,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const name = `sw_test_${label.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const url = `${SERVER_URL}/${name}`;
  if (options.migrate !== false) await migrate(url, MIGRATIONS_DIR);
  const db = createPrismaClient(url);
  return {
    url,
    name,
    db,
    async drop() {
      await db.$disconnect();
      await dropDatabase(url);
    },
  };
}

export async function dropDatabase(url: string): Promise<void> {
  const { database, ...server } = connectionOptions(url);
  const connection = await createConnection(server);
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  } finally {
    await connection.end();
  }
}
