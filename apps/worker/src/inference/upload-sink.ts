import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import { type FormatCsvOptions, formatCsv } from '@shelfwise/csv';

/**
 * CSV rows feeding a streaming upload, one write per batch, after `header` (none: null, a part of a file
 * split across workers). `abort` destroys the stream so the upload never completes: S3 then stores
 * nothing, which is how a failed job leaves no partial output.
 */
export class UploadSink {
  private readonly body = new PassThrough();
  private readonly done: Promise<string | undefined>;

  constructor(
    header: readonly string[] | null,
    upload: (body: Readable) => Promise<string | undefined>,
    private readonly format: FormatCsvOptions = {},
  ) {
    this.done = upload(this.body);
    // An upload that fails (S3 refused a part, the run's signal aborted it) stops reading the body: destroying
    // the body with its error makes a write waiting for 'drain' fail too instead of waiting for ever.
    this.done.catch((error: unknown) =>
      this.body.destroy(error instanceof Error ? error : new Error(String(error))),
    );
    if (header) this.body.write(formatCsv([header], format));
  }

  async write(rows: readonly (readonly string[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.body.destroyed) throw this.body.errored ?? new Error('the upload ended early');
    if (!this.body.write(formatCsv(rows, this.format))) await once(this.body, 'drain');
  }

  /** Ends the body and waits for the upload; resolves to the ETag S3 answered for the object written. */
  async finish(): Promise<string | undefined> {
    this.body.end();
    return this.done;
  }

  abort(reason: Error): void {
    this.body.destroy(reason);
  }
}
