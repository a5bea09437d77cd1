import { clientNamespace, SYSTEM_DATASET_PREFIXES } from '@shelfwise/contracts';
import type { InputGrantRepository, JobRepository } from '@shelfwise/db';
import type { Caller } from '../auth/caller';

/** An S3 input as a request names it, split into its bucket and key. */
export interface InputLocation {
  bucket: string;
  key: string;
  kind: 'object' | 'prefix';
}

/**
 * Which S3 inputs a caller may submit. An admin key: any (within S3_ALLOWED_PREFIXES). A client key: what it
 * uploaded (its namespace in the dataset bucket), prefixes an admin granted it, and the outputs of its own
 * jobs; nothing else: not another client's files, and never the system's prefixes (other jobs' predictions,
 * feedback, review files, models), which no grant opens either.
 */
export class InputAccess {
  constructor(
    private readonly jobs: JobRepository,
    private readonly grants: InputGrantRepository,
    private readonly datasetBucket: string,
  ) {}

  /** Why `caller` may not read `input`; undefined when it may. */
  async refusal(caller: Caller, input: InputLocation): Promise<string | undefined> {
    if (caller.role === 'admin') return undefined;
    // Client keys always come from MySQL, with an id; one without would own nothing.
    const own = clientNamespace(caller.keyId ?? '(none)');
    // `clients/<me>/../<other>/` never gets here: store.locate refuses dot segments in a key (400).
    if (caller.keyId !== null && (await this.owns(caller.keyId, input, own))) return undefined;
    return `a client key may read only its own uploads (s3://${this.datasetBucket}/${own}…), prefixes an admin granted it, and the outputs of its own jobs`;
  }

  private async owns(keyId: string, input: InputLocation, own: string): Promise<boolean> {
    const uri = `s3://${input.bucket}/${input.key}`;
    if (input.bucket === this.datasetBucket) {
      if (input.key.startsWith(own)) return true;
      const system = SYSTEM_DATASET_PREFIXES.some((prefix) => input.key.startsWith(prefix));
      if (!system && (await this.grants.covers(keyId, uri))) return true;
    }
    return input.kind === 'object' && this.jobs.isOutputOf(keyId, uri);
  }
}
