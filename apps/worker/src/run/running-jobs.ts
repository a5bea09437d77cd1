import type { Liveness } from '@shelfwise/lifecycle';
import type { JobRun } from './job-run';

/**
 * The runs this worker's slots hold, by queue. Liveness: a queue whose every slot holds a run that was
 * stopped and still has not given its slot back (a dependency that hangs without failing, e.g. a frozen
 * database) means the process cannot work any more: /healthz says so and the orchestrator restarts it.
 */
export class RunningJobs {
  private readonly runs = new Map<string, Set<JobRun>>();

  /** `slots`: the concurrency of each queue this worker serves. */
  constructor(private readonly slots: Record<string, number>) {}

  add(queue: string, run: JobRun): void {
    let runs = this.runs.get(queue);
    if (!runs) {
      runs = new Set();
      this.runs.set(queue, runs);
    }
    runs.add(run);
  }

  remove(queue: string, run: JobRun): void {
    this.runs.get(queue)?.delete(run);
  }

  /** Stops every run (the shutdown grace time is over). */
  stopAll(reason: Error): void {
    for (const runs of this.runs.values()) for (const run of runs) run.stopWith(reason);
  }

  liveness(now = Date.now()): Liveness {
    const stuck: Record<string, number> = {};
    for (const [queue, slots] of Object.entries(this.slots)) {
      const count = [...(this.runs.get(queue) ?? [])].filter((run) => run.isStuck(now)).length;
      if (count >= slots) stuck[queue] = count;
    }
    if (Object.keys(stuck).length === 0) return { ok: true };
    return { ok: false, details: { stuck_slots: stuck } };
  }
}
