/** What the process exit status tells a script. */
export const EXIT = {
  ok: 0,
  /** The job ended FAILED or CANCELLED. */
  jobFailed: 1,
  /** The command line is wrong (unknown command or option, a bad value). */
  usage: 2,
  /** The API answered an error, or could not be reached. */
  api: 3,
  /** `wait` (or `--wait`) gave up at its `--timeout` while the job was still going. */
  timeout: 4,
} as const;
