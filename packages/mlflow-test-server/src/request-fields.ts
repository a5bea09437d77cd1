import { MlflowHttpError } from './mlflow-http-error';

const missing = (name: string) =>
  MlflowHttpError.invalidParameter(`Missing value for required parameter '${name}'.`);
const invalid = (name: string, value: unknown) =>
  MlflowHttpError.invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${name}' supplied.`,
  );

/**
 * Typed access to a request's fields, whether they came from a JSON body (POST/DELETE) or a query
 * string (GET), with MLflow's INVALID_PARAMETER_VALUE wording for missing or mistyped values.
 */
export class RequestFields {
  constructor(
    private readonly values: Record<string, unknown>,
    /** Size of the JSON body the fields were read from (0 for query strings). */
    readonly sizeInBytes = 0,
  ) {}

  static fromQuery(query: URLSearchParams): RequestFields {
    const values: Record<string, unknown> = {};
    for (const key of new Set(query.keys())) {
      const all = query.getAll(key);
      values[key] = all.length > 1 ? all : all[0];
    }
    return new RequestFields(values);
  }

  string(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined || value === '') throw missing(name);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw invalid(name, value);
    return value;
  }

  /** Protobuf JSON accepts int64 as a number or a decimal string; query strings only carry strings. */
  optionalInteger(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    const parsed = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof parsed !== 'number' || !Number.isSafeInteger(parsed)) throw invalid(name, value);
    return parsed;
  }

  list(name: string): unknown[] {
    const value = this.values[name];
    if (value === undefined || value === null) return [];
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) throw invalid(name, value);
    return value;
  }

  /** A repeated `{key, value}` message such as RunTag or ExperimentTag. */
  keyValues(name: string): Array<{ key: string; value: string }> {
    return this.list(name).map((item, index) => {
      const fields = new RequestFields(asRecord(item, `${name}[${index}]`));
      return { key: fields.string('key'), value: fields.optionalString('value') ?? '' };
    });
  }
}

export function asRecord(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(name, value);
  return value as Record<string, unknown>;
}
