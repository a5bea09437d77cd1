export { freePort } from './free-port';
export { publishServingModel } from './publish-serving-model';
export { createTestDatabase, dropDatabase, MIGRATIONS_DIR, type TestDatabase } from './test-database';
export { createTestS3, type TestS3 } from './test-s3';
export { uniquePrefix } from './unique-prefix';
