import {
  JOBS,
  type JobName,
  type JobPayload,
  type JobResult,
  jobsOn,
  type QueueRole,
} from '@shelfwise/contracts';
import type { JobContext, JobOutcome } from './job-context';

/** Jobs with a MySQL row (CSV predictions, training) go through the row lifecycle; online ones do not. */
export type RecordedHandler<N extends JobName> = {
  kind: 'recorded';
  run(payload: JobPayload<N>, context: JobContext): Promise<JobOutcome<JobResult<N>>>;
};
export type DirectHandler<N extends JobName> = {
  kind: 'direct';
  run(payload: JobPayload<N>): Promise<JobResult<N>>;
};
export type Handler<N extends JobName> = RecordedHandler<N> | DirectHandler<N>;
export type HandlerEntry = { [N in JobName]: { name: N; handler: Handler<N> } }[JobName];

/**
 * Start-up refuses a served job name with no handler or with two, and a handler for a name the
 * catalog does not know: a worker must never pull a job it cannot run.
 */
export function handlerTable(entries: HandlerEntry[], roles: QueueRole[]): Map<JobName, HandlerEntry> {
  const table = new Map<JobName, HandlerEntry>();
  const problems: string[] = [];
  for (const entry of entries) {
    if (!(entry.name in JOBS)) problems.push(`handler for unknown job "${entry.name}"`);
    else if (table.has(entry.name)) problems.push(`two handlers for job "${entry.name}"`);
    else table.set(entry.name, entry);
  }
  for (const role of roles) {
    for (const name of jobsOn(role))
      if (!table.has(name)) problems.push(`no handler for job "${name}" (queue ${role})`);
  }
  if (problems.length > 0) throw new Error(`worker handlers are misconfigured: ${problems.join('; ')}`);
  return table;
}
