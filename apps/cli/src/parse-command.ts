import { parseArgs } from 'node:util';
import { type BestModelMetric, bestModelMetricSchema } from '@shelfwise/contracts';
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
        epochs: number;
        metric: BestModelMetric;
        wait: boolean;
        timeoutSeconds: number;
      }
    | { name: 'status'; jobId: string }
    | { name: 'wait'; jobId: string; timeoutSeconds: number }
    | { name: 'models' }
    | { name: 'promote'; version: number }
  );

const DEFAULT_API = 'http://127.0.0.1:8000';
const DEFAULT_EPOCHS = 10;
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
} as const;

/** Which options each command takes; any other is a usage error, not silently ignored. */
const ALLOWED: Record<string, string[]> = {
  upload: ['name'],
  predict: ['wait', 'timeout'],
  train: ['epochs', 'metric', 'wait', 'timeout'],
  'train-feedback': ['epochs', 'metric', 'wait', 'timeout'],
  status: [],
  wait: ['timeout'],
  models: [],
  promote: [],
};
const GLOBAL = ['api', 'api-key', 'json', 'help'];

function positiveInt(value: string | undefined, option: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new UsageError(`${option} must be a whole number from 1 to ${max}, not "${value}"`);
  }
  return number;
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
    api: apiUrl(values.api ?? env.SHELFWISE_API ?? DEFAULT_API),
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
  const timeoutSeconds = positiveInt(values.timeout, '--timeout', DEFAULT_TIMEOUT_SECONDS, 7 * 24 * 3600);
  switch (name) {
    case 'upload':
      return { ...common, name, file: arg, uploadName: values.name };
    case 'predict':
      return { ...common, name, uri: arg, wait: values.wait, timeoutSeconds };
    case 'train':
    case 'train-feedback': {
      const metric = bestModelMetricSchema.safeParse(values.metric ?? 'eval_f1');
      if (!metric.success)
        throw new UsageError(`--metric must be eval_f1 or eval_f1_min, not "${values.metric}"`);
      const epochs = positiveInt(values.epochs, '--epochs', DEFAULT_EPOCHS, 200);
      return { ...common, name, uri: arg, epochs, metric: metric.data, wait: values.wait, timeoutSeconds };
    }
    case 'status':
      return { ...common, name, jobId: arg };
    case 'wait':
      return { ...common, name, jobId: arg, timeoutSeconds };
    case 'models':
      return { ...common, name };
    default:
      return { ...common, name: 'promote', version: positiveInt(arg, 'version', 0, Number.MAX_SAFE_INTEGER) };
  }
}
