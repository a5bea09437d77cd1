export { type EmbeddedS3, startEmbeddedS3 } from './start-embedded-s3';
