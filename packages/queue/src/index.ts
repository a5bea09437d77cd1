export { JobProducer, type ProducerOptions } from './job-producer';
