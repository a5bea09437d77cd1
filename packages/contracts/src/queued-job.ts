import { z } from 'zod';
import { CATALOG, JOB_NAMES, type JobName, type JobPayload, type PayloadBody } from './job-catalog';
import type { RecordedJobType } from './job-types';

/** The input objects at the versions a job reads, as the job row records them (`input_versions`). */
const pinnedInputs = z.array(z.object({ uri: z.string(), etag: z.string() }));
type PinnedInput = z.infer<typeof pinnedInputs>[number];

/** A job as it goes onto its queue: a catalog name and that job's payload, paired per name. */
export type QueuedJob<Names extends JobName = JobName> = {
  [N in Names]: { name: N; payload: JobPayload<N> };
}[Names];

/**
 * A queue job of the current payload version: producers write the version the catalog says, never one of
 * their own. Throws (zod) when the payload does not match its schema.
 */
export function queuedJob<N extends JobName>(name: N, body: PayloadBody<JobPayload<N>>): QueuedJob<N> {
  const definition = CATALOG[name];
  return { name, payload: definition.payload.parse({ ...body, v: definition.version }) };
}

/** The catalog job a row type runs as: the one entry that declares the type. */
export function jobOfType(type: RecordedJobType): JobName {
  const name = JOB_NAMES.find((candidate) => CATALOG[candidate].types[type] !== undefined);
  if (name === undefined) throw new Error(`job type ${type} is declared by no job of the catalog`);
  return name;
}

/** The S3 input of a row of this type, read from its (validated) request; undefined: none to check. */
export function jobSource(type: RecordedJobType, input: unknown) {
  const recorded = CATALOG[jobOfType(type)].types[type];
  return recorded?.source(recorded.input.parse(input));
}

function queuedAs<N extends JobName>(
  name: N,
  type: RecordedJobType,
  input: unknown,
  jobId: string,
  pinned: PinnedInput[],
): QueuedJob<N> {
  const recorded = CATALOG[name].types[type];
  if (recorded === undefined) throw new Error(`job ${name} does not run rows of type ${type}`);
  const request = recorded.input.parse(input);
  const source = recorded.source(request);
  const etag = source?.kind === 'object' ? pinned.find((pin) => pin.uri === source.uri)?.etag : undefined;
  return queuedJob(name, recorded.payload(request, jobId, etag));
}

/**
 * The queue job of a job row, built from its stored `input` by the catalog entry of its type: the
 * gateway's submission, the retrain check and the reconciler (Redis lost the job) all build it here, so
 * a job enqueued again carries exactly what the first enqueue carried, the pinned ETag of a single input
 * object included (`pins`: the row's input versions, null when none were recorded). Throws (zod) when the
 * stored input no longer parses: such a row can never run.
 */
export function queuedJobOf(
  type: RecordedJobType,
  input: unknown,
  jobId: string,
  pins: unknown = null,
): QueuedJob {
  return queuedAs(jobOfType(type), type, input, jobId, pins === null ? [] : pinnedInputs.parse(pins));
}
