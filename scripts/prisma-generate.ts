// `prisma generate` runs on WASM, but the CLI first looks for a native schema engine it would download
// from an unreachable host; pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable skips that download.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true';
if (!existsSync(engine)) throw new Error(`PRISMA_SCHEMA_ENGINE_BINARY=${engine} does not exist`);

execFileSync(
  'pnpm',
  ['--filter', '@shelfwise/db', 'exec', 'prisma', 'generate', '--schema', `${root}prisma/schema.prisma`],
  {
    stdio: 'inherit',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: engine, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  },
);
