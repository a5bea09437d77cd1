import { once } from 'node:events';
import type { CsvWriter } from '@shelfwise/storage';

/**
 * A CSV writer feeding a streaming upload. `abort` destroys the stream so the upload never completes:
 * S3 then stores nothing, which is how a failed job leaves no partial output.
 */
export class UploadSink {
  private readonly done: Promise<void>;

  constructor(
    private readonly writer: CsvWriter,
    upload: (body: CsvWriter) => Promise<void>,
  ) {
    this.done = upload(writer);
    // Observed by finish(); this only stops an early rejection from being reported as unhandled.
    this.done.catch(() => {});
  }

  async write(row: Record<string, string>): Promise<void> {
    if (!this.writer.write(row)) await once(this.writer, 'drain');
  }

  async finish(): Promise<void> {
    this.writer.end();
    await this.done;
  }

  abort(reason: Error): void {
    this.writer.destroy(reason);
  }
}
