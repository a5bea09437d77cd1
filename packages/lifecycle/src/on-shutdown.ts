export interface ShutdownLogger {
  info(msg: string): void;
  error(obj: unknown, msg: string): void;
}

export interface ShutdownOptions {
  graceMs: number;
  logger: ShutdownLogger;
  /**
   * Called once the grace time is over and `stop` is still waiting (e.g. for running jobs): interrupt that
   * work so `stop` can end. The process then exits 1, and after 5 s more it exits whatever `stop` does.
   */
  onGraceOver?: () => void;
}

const CLEAN_UP_MS = 5_000;

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits: 0 when it ended within the grace time, 1 otherwise.
 * A second signal, or `stop` outlasting the grace time by 5 s, forces the exit so a stuck dependency can
 * never keep a process from going away.
 */
export function onShutdown(stop: () => Promise<void>, options: ShutdownOptions): void {
  let stopping = false;
  let graceOver = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.info(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    options.logger.info(`${signal}: shutting down (grace ${options.graceMs} ms)`);
    const grace = setTimeout(() => {
      graceOver = true;
      options.logger.info('grace time over: interrupting running work');
      options.onGraceOver?.();
    }, options.graceMs);
    grace.unref();
    const force = setTimeout(() => {
      options.logger.info('grace time over: exiting');
      process.exit(1);
    }, options.graceMs + CLEAN_UP_MS);
    force.unref();
    stop().then(
      () => process.exit(graceOver ? 1 : 0),
      (error: unknown) => {
        options.logger.error(error, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // `on`, not `once`: a second SIGTERM must take the "exiting now" path, not Node's default (killed).
  process.on('SIGTERM', handle);
  process.on('SIGINT', handle);
}
