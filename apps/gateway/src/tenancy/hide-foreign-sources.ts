import type { ModelView } from '@shelfwise/contracts';
import type { JobRepository } from '@shelfwise/db';
import type { Caller } from '../auth/caller';

/**
 * The registry is shared, but what a model was trained on is its trainer's: for a client key, a version
 * another key trained shows no `dataset_uri` (another client's S3 path) and no `training_job_id`.
 */
export async function hideForeignSources(
  caller: Caller,
  views: ModelView[],
  jobs: JobRepository,
): Promise<ModelView[]> {
  if (caller.role === 'admin') return views;
  const trainers = views.flatMap((view) => (view.training_job_id ? [view.training_job_id] : []));
  const own = caller.keyId === null ? new Set<string>() : await jobs.ownedAmong(caller.keyId, trainers);
  return views.map((view) =>
    view.training_job_id && own.has(view.training_job_id)
      ? view
      : { ...view, dataset_uri: null, training_job_id: null },
  );
}
