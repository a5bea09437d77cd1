/** The JSON log lines (pino) a process wrote; other lines (warnings of the runtime) are skipped. */
export function logLines(output: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // A line cut by the process being killed mid-write.
    }
  }
  return lines;
}

/** How many times each job id logged `msg` (e.g. "job succeeded"), over several processes' output. */
export function countByJob(outputs: string[], msg: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of outputs.flatMap(logLines)) {
    if (line.msg !== msg || typeof line.jobId !== 'string') continue;
    counts.set(line.jobId, (counts.get(line.jobId) ?? 0) + 1);
  }
  return counts;
}

/**
 * Waits until each of `jobIds` logged `msg` at least once, then returns the counts. Job rows change before
 * the log line that follows reaches the pipe, so a test that saw a row change must wait for the line.
 */
export async function logsOf(
  outputs: () => string[],
  msg: string,
  jobIds: string[],
  timeoutMs = 10_000,
): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = countByJob(outputs(), msg);
    if (jobIds.every((id) => (counts.get(id) ?? 0) > 0) || Date.now() > deadline) return counts;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
