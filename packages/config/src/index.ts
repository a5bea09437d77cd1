export { ConfigError } from './config-error';
export { type Config, loadConfig, loadConfigOrExit } from './load-config';
export { type Env, envSchema } from './schema';
