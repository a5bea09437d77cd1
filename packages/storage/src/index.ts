export { createObjectStore } from './create-object-store';
export { createS3Client, type S3Settings } from './create-s3-client';
export { isStorageUnreachable } from './is-storage-unreachable';
export { ObjectChangedError } from './object-changed-error';
export { ObjectNotFoundError } from './object-not-found-error';
export {
  type ByteRange,
  type ObjectHead,
  ObjectStore,
  type ReadOptions,
  type StoredObject,
} from './object-store';
export { formatS3Uri, parseAllowedS3Uri, parseS3Uri, type S3Location } from './s3-uri';
export { S3UriError } from './s3-uri-error';
export { StorageRequestError } from './storage-request-error';
