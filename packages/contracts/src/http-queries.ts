import { z } from 'zod';

/**
 * A file name for `POST /v1/uploads`, or a key path of folders and a file name (`train/Training_Data.csv`,
 * the original service's bucket layout). It becomes part of an S3 key: each part starts with a letter or
 * digit (so never `.` or `..`), no leading, doubled or trailing slash, no spaces; `.csv` because every job
 * reads CSV.
 */
const UPLOAD_NAME_RULE =
  'must be a file name like products.csv or a path like train/products.csv (letters, digits, . _ - in each part, up to 200 characters)';

/** An upload's name: the gateway's rule, which the CLI checks too before it sends a body. */
export const uploadName = z
  .string()
  .max(200, UPLOAD_NAME_RULE)
  .regex(/^([A-Za-z0-9][A-Za-z0-9._-]*\/)*[A-Za-z0-9][A-Za-z0-9._-]*\.csv$/i, UPLOAD_NAME_RULE);

export const uploadQuery = z.strictObject({
  name: uploadName.meta({
    description:
      "a file name, stored under a unique prefix (`uploads/<uuid>-<name>`), or a key path with folders, stored at that path; a client key's uploads go under `clients/<key id>/`",
    examples: ['products.csv', 'train/Training_Data.csv'],
  }),
});

export const monitoringQuery = z.strictObject({
  model_version: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'only the points of this model version', examples: [3] }),
  /** ISO 8601 with an offset; the default (30 days back) is applied by the gateway at request time. */
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .meta({
      description: 'only points from this time on (ISO 8601 with an offset); default 30 days back',
      examples: ['2026-11-01T00:00:00Z'],
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(500)
    .meta({ description: 'at most this many points, 1 to 1,000 (default 500)' }),
});

export type UploadQuery = z.infer<typeof uploadQuery>;
export type MonitoringQuery = z.infer<typeof monitoringQuery>;
