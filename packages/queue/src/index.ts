export { JobProducer, type ProducerOptions } from './job-producer';
export { type OwnerBacklog, ownerPriority } from './owner-priority';
