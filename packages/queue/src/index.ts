export { EnqueueFailedError } from './enqueue-failed-error';
export { JobProducer, type ProducerOptions } from './job-producer';
export { type OwnerBacklog, OwnerPriority } from './owner-priority';
export {
  type JobRecords,
  type RecordedJob,
  RecordedJobQueue,
  type SubmitOptions,
} from './recorded-job-queue';
export { withDeadline } from './with-deadline';
