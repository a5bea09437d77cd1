import type { Config } from '@shelfwise/config';
import { type ApiKeyRepository, generateApiKey } from '@shelfwise/db';

/** Why the gateway refuses to start: production with no way for anyone to authenticate. */
export const NO_KEYS_MESSAGE =
  'NODE_ENV=production and no API key exists: set ADMIN_API_KEY or create one with `pnpm apikey create`';

/**
 * The admin keys accepted besides MySQL's, decided at start-up. ADMIN_API_KEY when set. In development with
 * no key anywhere, a fresh key for this run, printed once on stdout so a person can use the console. In
 * production with no key anywhere, undefined: the caller exits.
 */
export async function startupAdminKeys(
  config: Pick<Config, 'nodeEnv' | 'gateway'>,
  keys: ApiKeyRepository,
  print: (line: string) => void,
): Promise<string[] | undefined> {
  const fromEnv = config.gateway.adminApiKey;
  if (fromEnv) return [fromEnv];
  if (config.nodeEnv === 'test') return [];
  // Unreachable MySQL counts as no keys: development still gets a key, production refuses.
  const stored = await keys.countActive().catch(() => 0);
  if (stored > 0) return [];
  if (config.nodeEnv === 'production') return undefined;
  const { key } = generateApiKey();
  print(`shelfwise development admin API key (this run only): ${key}`);
  return [key];
}
