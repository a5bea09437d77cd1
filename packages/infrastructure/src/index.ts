export { createInfrastructure, type Infrastructure } from './create-infrastructure';
export { createRedis } from './create-redis';
