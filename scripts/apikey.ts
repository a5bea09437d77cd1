// `pnpm apikey create --name NAME --role client|admin` | `pnpm apikey revoke <id>` | `pnpm apikey list`,
// and what a client key may read besides its own: `pnpm apikey grant|ungrant <id> s3://<dataset>/<prefix>/`,
// `pnpm apikey grants <id>`. Only the key's sha256 is stored: `create` prints the key once.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '@shelfwise/config';
import { grantRefusal } from '@shelfwise/contracts';
import { ApiKeyRepository, createPrismaClient, generateApiKey, InputGrantRepository } from '@shelfwise/db';

const USAGE =
  'usage: pnpm apikey create --name NAME --role client|admin | revoke <id> | list' +
  ' | grant <id> <s3 prefix> | ungrant <id> <s3 prefix> | grants <id>';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, role: { type: 'string' } },
});
const [command, id, prefix] = positionals;
const config = loadConfigOrExit();
const db = createPrismaClient(config.databaseUrl);
const keys = new ApiKeyRepository(db);
const grants = new InputGrantRepository(db);

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
  } else if (command === 'grant' || command === 'ungrant') {
    if (!id || !prefix) fail(`${command} needs the key id and an s3:// prefix`);
    const refused = grantRefusal(prefix, config.s3.buckets.dataset);
    if (refused) fail(`cannot grant ${prefix}: ${refused}`);
    if (command === 'grant') {
      if (!(await keys.list()).some((key) => key.id === id && !key.revokedAt)) fail(`no active key ${id}`);
      await grants.grant(id, prefix);
      console.log(`key ${id} may now read inputs under ${prefix}`);
    } else {
      if (!(await grants.revoke(id, prefix))) fail(`key ${id} has no grant of ${prefix}`);
      console.log(`key ${id} may no longer read inputs under ${prefix}`);
    }
  } else if (command === 'grants') {
    if (!id) fail('grants needs the key id');
    for (const granted of await grants.listFor(id)) console.log(granted);
  } else {
    fail(command ? `unknown command ${command}` : 'no command');
  }
} finally {
  await db.$disconnect();
}
