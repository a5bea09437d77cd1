// `pnpm db:migrate`, and the migration Job of the gateway image (node apps/gateway/dist/migrate.js): creates
// the database if missing and applies pending migrations, like `prisma migrate deploy`.
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from '@shelfwise/config';
import { migrate } from '@shelfwise/db';

const config = loadConfigOrExit();
const dir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
const result = await migrate(config.databaseUrl, dir);
const database = new URL(config.databaseUrl).pathname.slice(1);
for (const name of result.modified)
  console.warn(`warning: migration ${name} was modified after it was applied`);
console.log(
  result.applied.length === 0
    ? `database ${database} is up to date`
    : `applied ${result.applied.length} migration(s) to ${database}: ${result.applied.join(', ')}`,
);
