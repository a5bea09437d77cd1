import type { Config } from '@shelfwise/config';
import type { ApiKeyRepository } from '@shelfwise/db';
import { devAdminKey } from './dev-admin-key';

/** Why the gateway refuses to start: production with no way for anyone to authenticate. */
export const NO_KEYS_MESSAGE =
  'NODE_ENV=production and no API key exists: set ADMIN_API_KEY or create one with `pnpm apikey create`';

/**
 * The admin keys accepted besides MySQL's, decided at start-up. ADMIN_API_KEY when set. Outside production
 * with no key anywhere, the development key kept in DEV_ADMIN_KEY_FILE (`onDevelopmentKey` is told the
 * file, never the key: `pnpm start` prints it). In production with no key anywhere, undefined: the caller
 * exits; production never reads or writes the development key's file.
 */
export async function startupAdminKeys(
  config: Pick<Config, 'nodeEnv' | 'gateway'>,
  keys: ApiKeyRepository,
  onDevelopmentKey: (file: string) => void,
): Promise<string[] | undefined> {
  const fromEnv = config.gateway.adminApiKey;
  if (fromEnv) return [fromEnv];
  // Unreachable MySQL counts as no keys: development still gets a key, production refuses.
  const stored = await keys.countActive().catch(() => 0);
  if (stored > 0) return [];
  if (config.nodeEnv === 'production') return undefined;
  const key = await devAdminKey(config.gateway.devAdminKeyFile);
  onDevelopmentKey(config.gateway.devAdminKeyFile);
  return [key];
}
