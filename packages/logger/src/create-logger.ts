import { hostname } from 'node:os';
import { type Logger, pino } from 'pino';

export type { Logger };

// Belt and braces: secrets should never reach a log call, but if an object carrying one does, it is masked.
const REDACT = [
  '*.password',
  '*.secretAccessKey',
  '*.accessKeyId',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

/**
 * Structured JSON logs on stdout; one logger per process, children carry job id, queue and model version.
 * Every line names its process (`pid`, `hostname`): with many workers, a job's attempts are told apart.
 */
export function createLogger(options: { name: string; level: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: { paths: REDACT, censor: '[redacted]' },
    base: { service: options.name, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
