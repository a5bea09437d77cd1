export interface ShutdownLogger {
  info(msg: string): void;
  error(obj: unknown, msg: string): void;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits. A second signal, or `stop` outlasting the grace
 * time, forces the exit so a stuck dependency can never keep a process from going away.
 */
export function onShutdown(
  stop: () => Promise<void>,
  options: { graceMs: number; logger: ShutdownLogger },
): void {
  let stopping = false;
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.logger.info(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    options.logger.info(`${signal}: shutting down (grace ${options.graceMs} ms)`);
    const force = setTimeout(() => {
      options.logger.info('grace time over: exiting');
      process.exit(1);
    }, options.graceMs + 5_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        options.logger.error(error, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
}
