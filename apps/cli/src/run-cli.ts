import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import type { JobView } from '@shelfwise/contracts';
import { ApiRequestError } from './api-request-error';
import { downloadTo } from './download-to';
import { EXIT } from './exit-codes';
import { formatJob, formatModels } from './format';
import { type Command, parseCommand } from './parse-command';
import { ShelfwiseClient } from './shelfwise-client';
import { USAGE } from './usage';
import { UsageError } from './usage-error';
import { waitForJob } from './wait-for-job';
import { WaitTimeoutError } from './wait-timeout-error';

export interface Io {
  env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
  /** Where `download` without `--output` streams the file (the process's stdout). */
  stdout: Writable;
}

/** A local file name as the gateway accepts it: letters, digits, `.`, `_`, `-`, ending in .csv. */
const uploadNameOf = (file: string) => {
  const base = basename(file)
    .replace(/\.csv$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  return `${base.slice(0, 190) || 'upload'}.csv`;
};

const outcome = (job: JobView) => (job.status === 'SUCCEEDED' ? EXIT.ok : EXIT.jobFailed);

async function execute(command: Command, client: ShelfwiseClient, io: Io): Promise<number> {
  const print = (value: unknown, human: string) => io.out(command.json ? JSON.stringify(value) : human);
  const finish = async (jobId: string, timeoutSeconds: number) => {
    const job = await waitForJob(client, jobId, {
      timeoutSeconds,
      // Progress goes to stderr, so stdout stays the one answer a script reads.
      onChange: command.json ? undefined : (j) => io.err(`${j.status} ${Math.round(j.progress * 100)}%`),
    });
    print(job, formatJob(job));
    return outcome(job);
  };
  const submitted = async (
    answer: { job_id: string; status: string },
    wait: boolean,
    timeoutSeconds: number,
  ) => {
    if (wait) return finish(answer.job_id, timeoutSeconds);
    print(answer, answer.job_id);
    return EXIT.ok;
  };
  switch (command.name) {
    case 'help':
      io.out(USAGE);
      return EXIT.ok;
    case 'upload': {
      const answer = await client.upload(command.file, command.uploadName ?? uploadNameOf(command.file));
      print(answer, answer.uri);
      return EXIT.ok;
    }
    case 'predict':
      return submitted(await client.predictCsv(command.uri), command.wait, command.timeoutSeconds);
    case 'train':
      return submitted(
        await client.trainCsv(command.uri, command.epochs, command.metric),
        command.wait,
        command.timeoutSeconds,
      );
    case 'train-feedback':
      return submitted(
        await client.trainFeedback(command.uri, command.epochs, command.metric),
        command.wait,
        command.timeoutSeconds,
      );
    case 'status': {
      const job = await client.job(command.jobId);
      print(job, formatJob(job));
      return EXIT.ok;
    }
    case 'download': {
      const bytes = await downloadTo(
        await client.output(command.jobId, command.file),
        command.output ?? io.stdout,
      );
      if (command.output) print({ job_id: command.jobId, path: command.output, bytes }, command.output);
      return EXIT.ok;
    }
    case 'wait':
      return finish(command.jobId, command.timeoutSeconds);
    case 'models': {
      const { items } = await client.models();
      print(items, formatModels(items));
      return EXIT.ok;
    }
    case 'promote': {
      const model = await client.promote(command.version);
      print(model, `v${model.version} now serves (${model.stage})`);
      return EXIT.ok;
    }
  }
}

/** Runs one command line; the answer is the exit status (see exit-codes.ts). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`shelfwise: ${error.message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  try {
    return await execute(command, new ShelfwiseClient(command.api, command.apiKey), io);
  } catch (error) {
    if (error instanceof ApiRequestError) {
      io.err(`shelfwise: ${error.code}: ${error.message}`);
      if (command.json)
        io.out(
          JSON.stringify({
            error: { status: error.status, code: error.code, message: error.message, details: error.details },
          }),
        );
      return EXIT.api;
    }
    if (error instanceof WaitTimeoutError) {
      io.err(`shelfwise: ${error.message}`);
      return EXIT.timeout;
    }
    // A local file that cannot be read is the caller's mistake, like a bad argument.
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'EISDIR')) {
      io.err(`shelfwise: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  }
}
