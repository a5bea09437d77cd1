// `pnpm apikey create --name NAME --role client|admin` | `pnpm apikey revoke <id>` | `pnpm apikey list`.
// Only the key's sha256 is stored: `create` prints the key once, and it cannot be shown again.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@shelfwise/config';
import { ApiKeyRepository, createPrismaClient, generateApiKey } from '@shelfwise/db';

const USAGE = 'usage: pnpm apikey create --name NAME --role client|admin | revoke <id> | list';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, role: { type: 'string' } },
});
const [command, id] = positionals;
const config = loadConfigOrExit();
const db = createPrismaClient(config.databaseUrl);
const keys = new ApiKeyRepository(db);

try {
  if (command === 'create') {
    const role = values.role?.toUpperCase();
    if (!values.name) fail('--name is required');
    if (role !== 'CLIENT' && role !== 'ADMIN') fail('--role must be client or admin');
    const made = generateApiKey();
    await keys.create({ id: made.id, name: values.name, role, hash: made.hash });
    console.log(`created ${role.toLowerCase()} key ${made.id} (${values.name}); it is shown only this once:`);
    console.log(made.key);
  } else if (command === 'revoke') {
    if (!id) fail('revoke needs the key id (see `pnpm apikey list`)');
    if (!(await keys.revoke(id))) fail(`no active key ${id}`);
    console.log(`revoked key ${id}`);
  } else if (command === 'list') {
    for (const key of await keys.list()) {
      const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
      const used = key.lastUsedAt ? key.lastUsedAt.toISOString() : 'never';
      console.log(`${key.id}\t${key.role.toLowerCase()}\t${state}\tlast used ${used}\t${key.name}`);
    }
  } else {
    fail(command ? `unknown command ${command}` : 'no command');
  }
} finally {
  await db.$disconnect();
}
