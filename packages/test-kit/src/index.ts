export { freePort } from './free-port';
export { incompleteUploads } from './incomplete-uploads';
export { type LabelledProduct, labelledProducts } from './labelled-products';
export { startRun } from './start-run';
export { createTestDatabase, dropDatabase, MIGRATIONS_DIR, type TestDatabase } from './test-database';
export { createTestS3, type TestS3 } from './test-s3';
export { toCsv } from './to-csv';
export { uniquePrefix } from './unique-prefix';
