import { gzipSync } from 'node:zlib';

/** What the gateway is sent: JSON (`json`) or a body as raw text (`raw`, for malformed ones). */
export interface CaseRequest {
  method?: 'GET' | 'POST';
  path: string;
  json?: unknown;
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export type Expectation =
  /** The gateway refuses the request: this status and error code, a message matching. */
  | { http: number; code: string; message?: RegExp }
  /** Accepted, then the job fails: this code, a reason that names the problem (column, row, field). */
  | { job: 'FAILED'; code: string; message: RegExp }
  /** Valid input: the job succeeds with this many rows; `output` returns a problem with the CSV, if any. */
  | { job: 'SUCCEEDED'; rows: number; output?: (csv: string) => string | undefined };

export interface BadInputCase {
  name: string;
  /** Objects put in the dataset bucket first, keys relative to `bad/<case index>/`. */
  files?: Record<string, string | Uint8Array>;
  /** `dir` is the case's s3:// folder (with its trailing slash), `dataset` the bucket's URI. */
  request(at: { dir: string; dataset: string }): CaseRequest;
  expected: Expectation;
}

const predict = (uri: string): CaseRequest => ({ path: '/v1/predict/csv', json: { input_file_s3: uri } });
const trainCsv = (uri: string, extra: Record<string, unknown> = {}): CaseRequest => ({
  path: '/v1/train/csv',
  json: { train_file_s3: uri, epoch_num: 1, best_model_metric: 'eval_f1', ...extra },
});
const trainDir = (uri: string): CaseRequest => ({
  path: '/v1/train/human_feedback',
  json: { train_dir_s3: uri, epoch_num: 1, best_model_metric: 'eval_f1' },
});
const invalid = (message?: RegExp): Expectation => ({ http: 400, code: 'INVALID_REQUEST', message });
const invalidCsv = (message: RegExp): Expectation => ({ job: 'FAILED', code: 'INVALID_CSV', message });
const H = 'product_description';
const lines = (...rows: string[]) => `${rows.join('\n')}\n`;

/** Every bad request and file the system must refuse cleanly, and the valid oddities it must accept. */
export const BAD_INPUT_CASES: BadInputCase[] = [
  // The request itself.
  {
    name: 'malformed JSON',
    request: () => ({ path: '/v1/predict/csv', raw: '{"input_file_s3": ' }),
    expected: invalid(/not a JSON object or array/),
  },
  {
    name: 'JSON that is a bare string',
    request: ({ dataset }) => ({ path: '/v1/predict/csv', raw: JSON.stringify(`${dataset}/a.csv`) }),
    expected: invalid(),
  },
  {
    name: 'JSON array instead of an object',
    request: () => ({ path: '/v1/predict/csv', raw: '[]' }),
    expected: invalid(/expected object/),
  },
  {
    name: 'body sent as text/plain',
    request: ({ dataset }) => ({
      path: '/v1/predict/csv',
      raw: JSON.stringify({ input_file_s3: `${dataset}/a.csv` }),
      contentType: 'text/plain',
    }),
    expected: invalid(),
  },
  {
    name: 'wrong type: input_file_s3 is a number',
    request: () => ({ path: '/v1/predict/csv', json: { input_file_s3: 42 } }),
    expected: invalid(/input_file_s3/),
  },
  {
    name: 'missing field',
    request: () => ({ path: '/v1/predict/csv', json: {} }),
    expected: invalid(/input_file_s3/),
  },
  {
    name: 'unknown field',
    request: ({ dataset }) => ({
      path: '/v1/predict/csv',
      json: { input_file_s3: `${dataset}/a.csv`, model: 'latest' },
    }),
    expected: invalid(/model/),
  },
  {
    name: '__proto__ key in the body',
    request: ({ dataset }) => ({
      path: '/v1/predict/csv',
      raw: `{"input_file_s3":"${dataset}/a.csv","__proto__":{"admin":true}}`,
    }),
    expected: invalid(/__proto__/),
  },
  {
    name: 'huge body (2 MB)',
    request: () => ({
      path: '/v1/predict/csv',
      json: { input_file_s3: `s3://dataset/${'a'.repeat(2 << 20)}` },
    }),
    expected: { http: 413, code: 'PAYLOAD_TOO_LARGE' },
  },
  {
    name: 'deeply nested JSON (50,000 levels)',
    request: () => ({ path: '/v1/predict/csv', raw: `${'['.repeat(50_000)}${']'.repeat(50_000)}` }),
    expected: invalid(),
  },
  {
    name: 'URI outside the allowed buckets',
    request: () => predict('s3://someone-elses-bucket/data.csv'),
    expected: invalid(/input_file_s3: .*not one of/),
  },
  {
    name: 'not an s3:// URI',
    request: () => predict('https://example.com/data.csv'),
    expected: invalid(/input_file_s3/),
  },
  {
    name: 'URI with ".." segments',
    request: ({ dataset }) => predict(`${dataset}/../models/1/model.onnx`),
    expected: invalid(/"\." or "\.\." segments/),
  },
  {
    name: 'URI key longer than 1024 characters',
    request: ({ dataset }) => predict(`${dataset}/${'k'.repeat(1_100)}.csv`),
    expected: invalid(/longer than 1024/),
  },
  {
    name: 'NUL character in the URI',
    request: ({ dataset }) => predict(`${dataset}/a\u0000.csv`),
    expected: invalid(/input_file_s3/),
  },
  {
    name: 'URI naming a bucket, not an object',
    request: ({ dataset }) => predict(`${dataset}/`),
    expected: invalid(/input_file_s3/),
  },
  {
    name: 'missing object',
    request: ({ dir }) => predict(`${dir}does-not-exist.csv`),
    expected: { http: 404, code: 'NOT_FOUND', message: /input_file_s3: no object at/ },
  },
  {
    name: 'empty prefix for human_feedback',
    request: ({ dir }) => trainDir(`${dir}nothing-here/`),
    expected: { http: 404, code: 'NOT_FOUND', message: /train_dir_s3: no object under the prefix/ },
  },
  {
    name: 'epoch_num 0',
    request: ({ dataset }) => trainCsv(`${dataset}/t.csv`, { epoch_num: 0 }),
    expected: invalid(/epoch_num/),
  },
  {
    name: 'epoch_num 10^9',
    request: ({ dataset }) => trainCsv(`${dataset}/t.csv`, { epoch_num: 1_000_000_000 }),
    expected: invalid(/epoch_num/),
  },
  {
    name: 'epoch_num 2.5',
    request: ({ dataset }) => trainCsv(`${dataset}/t.csv`, { epoch_num: 2.5 }),
    expected: invalid(/epoch_num/),
  },
  {
    name: 'epoch_num "5" (a string)',
    request: ({ dataset }) => trainCsv(`${dataset}/t.csv`, { epoch_num: '5' }),
    expected: invalid(/epoch_num/),
  },
  {
    name: 'unknown best_model_metric',
    request: ({ dataset }) => trainCsv(`${dataset}/t.csv`, { best_model_metric: 'accuracy' }),
    expected: invalid(/best_model_metric/),
  },
  {
    name: 'Idempotency-Key of 300 characters',
    request: ({ dataset }) => ({
      ...predict(`${dataset}/a.csv`),
      headers: { 'Idempotency-Key': 'k'.repeat(300) },
    }),
    expected: invalid(/Idempotency-Key/),
  },
  {
    name: 'job id that is not a UUID',
    request: () => ({ method: 'GET', path: '/v1/jobs/not-a-uuid' }),
    expected: { http: 404, code: 'NOT_FOUND' },
  },
  {
    name: 'list limit out of range',
    request: () => ({ method: 'GET', path: '/v1/jobs?limit=1000' }),
    expected: invalid(/limit/),
  },
  {
    name: 'synchronous predict with no texts',
    request: () => ({ path: '/v1/predict', json: { texts: [] } }),
    expected: invalid(/texts/),
  },
  // Inference files.
  {
    name: 'empty file (0 bytes)',
    files: { 'in.csv': '' },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/in\.csv is empty \(no header\)/),
  },
  {
    name: 'blank lines only',
    files: { 'in.csv': '\n\n\r\n' },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/is empty \(no header\)/),
  },
  {
    name: 'header only',
    files: { 'in.csv': lines(H) },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/has a header but no rows/),
  },
  {
    name: 'missing column',
    files: { 'in.csv': lines('description,sku', 'green tea,1') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/missing required column "product_description" \(header: description, sku\)/),
  },
  {
    name: 'duplicated header',
    files: { 'in.csv': lines(`${H},sku,sku`, 'green tea,1,2') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/column "sku" appears more than once/),
  },
  {
    name: 'unknown label in HUMAN_VERIFIED_Category',
    files: { 'in.csv': lines(`${H},HUMAN_VERIFIED_Category`, 'green tea,Beverages', 'toy car,Toys') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: {
      job: 'FAILED',
      code: 'UNKNOWN_LABEL',
      message: /row 2: unknown HUMAN_VERIFIED_Category "Toys"/,
    },
  },
  {
    name: 'unknown label of 100,000 characters (the reason stays short)',
    files: { 'in.csv': lines(`${H},HUMAN_VERIFIED_Category`, `green tea,${'L'.repeat(100_000)}`) },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: {
      job: 'FAILED',
      code: 'UNKNOWN_LABEL',
      message: /^.{0,2000}row 1: unknown HUMAN_VERIFIED_Category "L+…"/,
    },
  },
  {
    name: 'header of one 200,000-character column (the reason stays short)',
    files: { 'in.csv': lines('h'.repeat(200_000), 'green tea') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/^.{0,2000}missing required column "product_description" \(header: h+…\)$/),
  },
  {
    name: 'label in the wrong case',
    files: { 'in.csv': lines(`${H},HUMAN_VERIFIED_Category`, 'green tea,beverages') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: {
      job: 'FAILED',
      code: 'UNKNOWN_LABEL',
      message: /row 1: unknown HUMAN_VERIFIED_Category "beverages"/,
    },
  },
  {
    name: 'only whitespace descriptions',
    files: { 'in.csv': lines(H, 'green tea', '   ', '\t') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 2: empty product_description.*row 3: empty product_description/),
  },
  {
    name: 'invalid UTF-8',
    files: { 'in.csv': Buffer.concat([Buffer.from(lines(H, 'green tea')), Buffer.from([0xc3, 0x28, 0x0a])]) },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 2: the file is not valid UTF-8/),
  },
  {
    name: 'UTF-16 file',
    files: { 'in.csv': Buffer.from(`\ufeff${lines(H, 'green tea')}`, 'utf16le') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 0: the file is not valid UTF-8/),
  },
  {
    name: 'gzip file named .csv',
    files: { 'in.csv': gzipSync(lines(H, 'green tea')) },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/not valid UTF-8/),
  },
  {
    name: 'NUL byte in a field',
    files: { 'in.csv': lines(H, 'green tea', 'whole\u0000milk') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 2: a NUL byte/),
  },
  {
    name: 'a 10 MB single line',
    files: { 'in.csv': lines(H, 'x'.repeat(10 << 20)) },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 1: a field longer than 1,000,000 characters/),
  },
  {
    name: 'bare quote inside an unquoted field',
    files: { 'in.csv': lines(H, 'green tea', 'milk 12" carton') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 2: a quote inside an unquoted field/),
  },
  {
    name: 'unclosed quote',
    files: { 'in.csv': lines(H, 'green tea', '"milk, whole') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 2: a quoted field is never closed/),
  },
  {
    name: 'text after a closing quote',
    files: { 'in.csv': lines(H, '"green tea"x') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 1: a character after the closing quote/),
  },
  {
    name: 'wrong field count',
    files: { 'in.csv': lines(`${H},sku`, 'green tea,1', 'milk,2,extra') },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: invalidCsv(/row 2: 3 fields, but the header has 2/),
  },
  // Valid oddities: these must succeed.
  {
    name: 'CRLF line ends (valid)',
    files: { 'in.csv': `${H},sku\r\ngreen tea,1\r\nwhole milk,2\r\ncoffee beans,3\r\n` },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: { job: 'SUCCEEDED', rows: 3 },
  },
  {
    name: 'quoted newlines, commas and quotes (valid)',
    files: { 'in.csv': `${H},sku\n"green tea\nloose leaf",1\n"milk, ""whole""\r\n1 l",2\n` },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: {
      job: 'SUCCEEDED',
      rows: 2,
      output: (csv) =>
        csv.startsWith(`${H},sku,predicted_category,confidence\n"green tea\nloose leaf",1,`) &&
        csv.includes('\n"milk, ""whole""\r\n1 l",2,')
          ? undefined
          : 'the quoted fields did not come back intact',
    },
  },
  {
    name: 'UTF-8 BOM (valid)',
    files: { 'in.csv': `\ufeff${lines(H, 'green tea')}` },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: {
      job: 'SUCCEEDED',
      rows: 1,
      output: (csv) => (csv.startsWith(`${H},predicted_category`) ? undefined : 'the BOM reached the header'),
    },
  },
  {
    name: 'extremely long field, under the limit (500,000 characters)',
    files: { 'in.csv': lines(H, 'green tea', 'tea '.repeat(125_000)) },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: { job: 'SUCCEEDED', rows: 2 },
  },
  {
    name: 'spreadsheet formulas in cells (valid; neutralised in the output)',
    files: {
      'in.csv': lines(`${H},note`, '"=HYPERLINK(""http://evil.example"")",@SUM(A1)', '+green tea,-1'),
    },
    request: ({ dir }) => predict(`${dir}in.csv`),
    expected: {
      job: 'SUCCEEDED',
      rows: 2,
      output: (csv) => {
        const [, first, second] = csv.split('\n');
        return first?.startsWith(`"'=HYPERLINK(""http://evil.example"")",'@SUM(A1),`) &&
          second?.startsWith(`'+green tea,-1,`)
          ? undefined
          : `formula cells were not neutralised: ${first} / ${second}`;
      },
    },
  },
  // Training files.
  {
    name: 'training file without a label column',
    files: { 't.csv': lines(H, 'green tea', 'whole milk') },
    request: ({ dir }) => trainCsv(`${dir}t.csv`),
    expected: invalidCsv(/t\.csv has no label column \(Category or HUMAN_VERIFIED_Category\)/),
  },
  {
    name: 'training file with one label only',
    files: { 't.csv': lines(`${H},Category`, 'green tea,Beverages', 'cola,Beverages') },
    request: ({ dir }) => trainCsv(`${dir}t.csv`),
    expected: invalidCsv(/training needs at least two labels; .*t\.csv has 1/),
  },
  {
    name: 'training row with an empty Category',
    files: { 't.csv': lines(`${H},Category`, 'green tea,Beverages', 'soap,') },
    request: ({ dir }) => trainCsv(`${dir}t.csv`),
    expected: invalidCsv(/t\.csv row 2: empty Category/),
  },
  {
    name: 'empty training file',
    files: { 't.csv': '' },
    request: ({ dir }) => trainCsv(`${dir}t.csv`),
    expected: invalidCsv(/t\.csv is empty \(no header\)/),
  },
  {
    name: 'training file, header only',
    files: { 't.csv': lines(`${H},Category`) },
    request: ({ dir }) => trainCsv(`${dir}t.csv`),
    expected: invalidCsv(/t\.csv has a header but no rows/),
  },
  {
    name: 'training file with invalid UTF-8',
    files: {
      't.csv': Buffer.concat([
        Buffer.from(lines(`${H},Category`, 'tea,Beverages')),
        Buffer.from([0xff, 0x0a]),
      ]),
    },
    request: ({ dir }) => trainCsv(`${dir}t.csv`),
    expected: invalidCsv(/row 2: the file is not valid UTF-8/),
  },
  {
    name: 'feedback folder without CSV files',
    files: { 'notes.txt': 'not a csv' },
    request: ({ dir }) => trainDir(dir),
    expected: { job: 'FAILED', code: 'NOT_FOUND', message: /no CSV files under/ },
  },
  {
    name: 'feedback folder of unlabelled CSVs',
    files: { 'a.csv': lines(H, 'green tea'), 'b.csv': lines(H, 'whole milk') },
    request: ({ dir }) => trainDir(dir),
    expected: invalidCsv(/no labelled rows.*a\.csv.*b\.csv/),
  },
];
