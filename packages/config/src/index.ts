export { ConfigError } from './config-error';
export type { Config } from './config-from';
export { loadConfig, loadConfigOrExit } from './load-config';
export { type Env, envSchema } from './schema';
