/**
 * The object is not the version a job was given: it was replaced (another ETag) or removed after the job
 * pinned it. Reading it anyway would process other data than was submitted.
 */
export class ObjectChangedError extends Error {
  constructor(
    readonly uri: string,
    readonly expectedEtag: string,
    readonly actualEtag: string | undefined,
  ) {
    super(
      `${uri} changed after the job was submitted (ETag ${expectedEtag} then, ${actualEtag ?? 'no object'} now); submit a new job to process the new content`,
    );
    this.name = 'ObjectChangedError';
  }
}
