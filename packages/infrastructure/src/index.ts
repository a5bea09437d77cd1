export { createInfrastructure, type Infrastructure } from './create-infrastructure';
export { createRedis, type RedisConnection } from './create-redis';
