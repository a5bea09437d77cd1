import {
  JOBS,
  type JobName,
  type JobPayload,
  type JobResult,
  jobsOn,
  type QueueName,
} from '@shelfwise/contracts';
import type { JobContext, JobOutcome } from './job-context';

/** Jobs with a MySQL row (CSV predictions, training) go through the row lifecycle; the others do not. */
export type RecordedHandler<N extends JobName> = {
  kind: 'recorded';
  run(payload: JobPayload<N>, context: JobContext): Promise<JobOutcome<JobResult<N>>>;
};
export type DirectHandler<N extends JobName> = {
  kind: 'direct';
  run(payload: JobPayload<N>): Promise<JobResult<N>>;
};
export type Handler<N extends JobName> = RecordedHandler<N> | DirectHandler<N>;
/** A job name and its handler, paired per name: indexed by a generic name, they stay paired. */
export type HandlerEntry<Names extends JobName = JobName> = {
  [N in Names]: { name: N; handler: Handler<N> };
}[Names];

// The catalog's failure policy says which: a failure written on the job row needs the row lifecycle.
const KIND_OF = { row: 'recorded', reason: 'direct' } as const;

/**
 * Start-up refuses a served job name with no handler or with two, a handler for a name the catalog does
 * not know, and a handler of the wrong kind for its job: a worker must never pull a job it cannot run.
 */
export function handlerTable(entries: HandlerEntry[], queues: QueueName[]): Map<JobName, HandlerEntry> {
  const table = new Map<JobName, HandlerEntry>();
  const problems: string[] = [];
  for (const entry of entries) {
    if (!(entry.name in JOBS)) problems.push(`handler for unknown job "${entry.name}"`);
    else if (table.has(entry.name)) problems.push(`two handlers for job "${entry.name}"`);
    else if (entry.handler.kind !== KIND_OF[JOBS[entry.name].failures])
      problems.push(`job "${entry.name}" needs a ${KIND_OF[JOBS[entry.name].failures]} handler`);
    else table.set(entry.name, entry);
  }
  for (const queue of queues) {
    for (const name of jobsOn(queue))
      if (!table.has(name)) problems.push(`no handler for job "${name}" (queue ${queue})`);
  }
  if (problems.length > 0) throw new Error(`worker handlers are misconfigured: ${problems.join('; ')}`);
  return table;
}
