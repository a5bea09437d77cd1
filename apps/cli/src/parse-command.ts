import { parseArgs } from 'node:util';
import { envSchema } from '@shelfwise/config';
import { type BestModelMetric, bestModelMetricSchema, JOB_FILES, type JobFile } from '@shelfwise/contracts';
import { uploadKeyPath } from './upload-key-path';
import { UsageError } from './usage-error';

export interface Common {
  api: string;
  /** Sent as `Authorization: Bearer`; undefined sends none (the gateway then answers 401). */
  apiKey: string | undefined;
  json: boolean;
}

export type Command = Common &
  (
    | { name: 'help' }
    | { name: 'upload'; file: string; uploadName: string | undefined }
    | { name: 'predict'; uri: string; wait: boolean; timeoutSeconds: number }
    | {
        name: 'train' | 'train-feedback';
        uri: string;
        /** Undefined: the API's default applies. */
        epochs: number | undefined;
        metric: BestModelMetric | undefined;
        wait: boolean;
        timeoutSeconds: number;
      }
    | { name: 'status'; jobId: string }
    /** `output` undefined: the file goes to stdout. */
    | { name: 'download'; jobId: string; file: JobFile; output: string | undefined }
    | { name: 'wait'; jobId: string; timeoutSeconds: number }
    | { name: 'models' }
    | { name: 'promote'; version: number }
  );

const DEFAULT_TIMEOUT_SECONDS = 3600;

const OPTIONS = {
  api: { type: 'string' },
  'api-key': { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  name: { type: 'string' },
  epochs: { type: 'string' },
  metric: { type: 'string' },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  output: { type: 'string', short: 'o' },
  file: { type: 'string' },
} as const;

/** Which options each command takes; any other is a usage error, not silently ignored. */
const ALLOWED: Record<string, string[]> = {
  upload: ['name'],
  predict: ['wait', 'timeout'],
  train: ['epochs', 'metric', 'wait', 'timeout'],
  'train-feedback': ['epochs', 'metric', 'wait', 'timeout'],
  status: [],
  download: ['output', 'file'],
  wait: ['timeout'],
  models: [],
  promote: [],
};
const GLOBAL = ['api', 'api-key', 'json', 'help'];

function jobFile(value: string | undefined): JobFile {
  if (value === undefined) return 'predictions';
  const file = JOB_FILES.find((name) => name === value);
  if (!file) throw new UsageError(`--file must be one of ${JOB_FILES.join(', ')}, not "${value}"`);
  return file;
}

function positiveInt(value: string, option: string, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new UsageError(`${option} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return number;
}

/**
 * `--api`, then `SHELFWISE_API`, then the gateway on this machine at the port its own configuration reads
 * (`PORT`, default 8000): a shell that started the gateway with PORT=9000 reaches it without more settings.
 */
function apiOf(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const given = flag ?? (env.SHELFWISE_API || undefined);
  if (given !== undefined) return apiUrl(given);
  const port = envSchema.shape.PORT.safeParse(env.PORT || undefined);
  if (!port.success) {
    throw new UsageError(`PORT must be a port number (1 to 65535), not "${env.PORT}"; or set SHELFWISE_API`);
  }
  return `http://127.0.0.1:${port.data}`;
}

function apiUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // Reported below.
  }
  throw new UsageError(`--api must be an http(s) URL, not "${value}"`);
}

/** The command line (without `node` and the script) as a typed command; UsageError when it is wrong. */
export function parseCommand(argv: string[], env: NodeJS.ProcessEnv): Command {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const common: Common = {
    api: apiOf(values.api, env),
    apiKey: values['api-key'] ?? (env.SHELFWISE_API_KEY || undefined),
    json: values.json,
  };
  const [name, ...args] = positionals;
  if (values.help || name === undefined || name === 'help') return { ...common, name: 'help' };
  const allowed = ALLOWED[name];
  if (!allowed) throw new UsageError(`unknown command "${name}"`);
  for (const [option, value] of Object.entries(values)) {
    const given = value !== undefined && value !== false;
    if (given && !GLOBAL.includes(option) && !allowed.includes(option)) {
      throw new UsageError(`${name} does not take --${option}`);
    }
  }
  const expected = name === 'models' ? 0 : 1;
  if (args.length !== expected) {
    throw new UsageError(`${name} takes ${expected === 0 ? 'no arguments' : 'one argument'}`);
  }
  const arg = args[0] ?? '';
  const timeoutSeconds =
    values.timeout === undefined
      ? DEFAULT_TIMEOUT_SECONDS
      : positiveInt(values.timeout, '--timeout', 7 * 24 * 3600);
  switch (name) {
    case 'upload':
      return {
        ...common,
        name,
        file: arg,
        uploadName: values.name === undefined ? undefined : uploadKeyPath(values.name),
      };
    case 'predict':
      return { ...common, name, uri: arg, wait: values.wait, timeoutSeconds };
    case 'train':
    case 'train-feedback': {
      const metric = bestModelMetricSchema.optional().safeParse(values.metric);
      if (!metric.success)
        throw new UsageError(`--metric must be eval_f1 or eval_f1_min, not "${values.metric}"`);
      const epochs = values.epochs === undefined ? undefined : positiveInt(values.epochs, '--epochs', 200);
      return { ...common, name, uri: arg, epochs, metric: metric.data, wait: values.wait, timeoutSeconds };
    }
    case 'status':
      return { ...common, name, jobId: arg };
    case 'download':
      // Without --output the file itself is the answer on stdout: there is no room for JSON beside it.
      if (common.json && values.output === undefined)
        throw new UsageError('download --json needs --output FILE (without it, stdout is the CSV)');
      return { ...common, name, jobId: arg, file: jobFile(values.file), output: values.output };
    case 'wait':
      return { ...common, name, jobId: arg, timeoutSeconds };
    case 'models':
      return { ...common, name };
    default:
      return { ...common, name: 'promote', version: positiveInt(arg, 'version', Number.MAX_SAFE_INTEGER) };
  }
}
