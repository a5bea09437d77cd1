import { UsageError } from './usage-error';

// Each folder and the file: a letter or digit first (so never `.` or `..`), then letters, digits, . _ -
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_LENGTH = 200;

/**
 * `--name` for an upload: a file name, or a path of folders and a file name (`train/Training_Data.csv`),
 * so a bucket can be laid out as the original service documented (`train/…`, `human_feedback/…`).
 * It becomes part of an S3 key: no leading, doubled or trailing slash, no `..`, no spaces; `.csv`.
 * Refused here, before a 200 MB body is sent for the gateway to refuse.
 */
export function uploadKeyPath(name: string): string {
  const segments = name.split('/');
  const fine =
    name.length <= MAX_LENGTH && /\.csv$/i.test(name) && segments.every((segment) => SEGMENT.test(segment));
  if (!fine) {
    throw new UsageError(
      `--name must be a file name like products.csv or a path like train/products.csv ` +
        `(letters, digits, . _ - in each part, up to ${MAX_LENGTH} characters), not "${name}"`,
    );
  }
  return name;
}
