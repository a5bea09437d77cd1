export { createS3Client, type S3Settings } from './create-s3-client';
export { CsvFormatError } from './csv-format-error';
export { ObjectNotFoundError } from './object-not-found-error';
export { ObjectStore, type StoredObject } from './object-store';
export { type CsvHeader, type CsvReadOptions, type CsvRow, readCsv, readCsvBatches } from './read-csv';
export { formatS3Uri, parseAllowedS3Uri, parseS3Uri, type S3Location } from './s3-uri';
export { S3UriError } from './s3-uri-error';
export { type EmbeddedS3, startEmbeddedS3 } from './start-embedded-s3';
export { csvField, formatCsv } from './write-csv';
