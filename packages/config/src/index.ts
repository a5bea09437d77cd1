export { ConfigError } from './config-error';
export { type Config, loadConfig } from './load-config';
export { type Env, envSchema } from './schema';
