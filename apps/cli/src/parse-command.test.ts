import { describe, expect, it } from 'vitest';
import { parseCommand } from './parse-command';
import { UsageError } from './usage-error';

const parse = (line: string, env: NodeJS.ProcessEnv = {}) =>
  parseCommand(line.split(' ').filter(Boolean), env);

describe('parseCommand', () => {
  it('reads each command with its defaults', () => {
    expect(parse('train s3://dataset/t.csv')).toEqual({
      api: 'http://127.0.0.1:8000',
      apiKey: undefined,
      json: false,
      name: 'train',
      uri: 's3://dataset/t.csv',
      // Left out of the request: the API applies its documented defaults.
      epochs: undefined,
      metric: undefined,
      wait: false,
      timeoutSeconds: 3600,
    });
    expect(
      parse('train-feedback s3://dataset/feedback/ --epochs 3 --metric eval_f1_min --wait'),
    ).toMatchObject({
      name: 'train-feedback',
      epochs: 3,
      metric: 'eval_f1_min',
      wait: true,
    });
    expect(parse('wait 1234 --timeout 5 --json')).toMatchObject({
      name: 'wait',
      jobId: '1234',
      timeoutSeconds: 5,
      json: true,
    });
    expect(parse('promote 3')).toMatchObject({ name: 'promote', version: 3 });
    expect(parse('upload ./ab.csv --name x.csv')).toMatchObject({
      file: './ab.csv',
      uploadName: 'x.csv',
    });
    expect(parse('download 1234')).toMatchObject({
      name: 'download',
      jobId: '1234',
      file: 'predictions',
      output: undefined,
    });
    expect(parse('download 1234 --file review')).toMatchObject({ file: 'review' });
    expect(parse('download 1234 -o out.csv --json')).toMatchObject({ output: 'out.csv', json: true });
    expect(parse('')).toMatchObject({ name: 'help' });
  });

  it('passes upload names with folders through, as the original bucket layout has them', () => {
    for (const name of ['train/Training_Data.csv', 'human_feedback/2026-12/batch.1.CSV', 'a.csv']) {
      expect(parse(`upload ./x.csv --name ${name}`)).toMatchObject({ name: 'upload', uploadName: name });
    }
  });

  it.each([
    '/train/x.csv',
    'train//x.csv',
    'train/',
    '../x.csv',
    'train/../x.csv',
    './x.csv',
    'train/.hidden.csv',
    'train\\x.csv',
    'train/x.txt',
    'x',
    `${'a/'.repeat(100)}x.csv`,
  ])('refuses the upload name "%s", naming --name', (name) => {
    expect(() => parse(`upload ./x.csv --name ${name}`)).toThrow(
      /^--name must be a file name like products\.csv/,
    );
  });

  it('defaults the API to this machine at the port the gateway reads, PORT', () => {
    expect(parse('models').api).toBe('http://127.0.0.1:8000');
    expect(parse('models', { PORT: '9100' }).api).toBe('http://127.0.0.1:9100');
    expect(parse('models', { PORT: '9100', SHELFWISE_API: 'http://gw:9000' }).api).toBe('http://gw:9000');
    expect(() => parse('models', { PORT: 'eighty' })).toThrow('PORT must be a port number');
  });

  it('takes the API key from --api-key, then SHELFWISE_API_KEY', () => {
    expect(parse('models', { SHELFWISE_API_KEY: 'sw_env' }).apiKey).toBe('sw_env');
    expect(parse('models --api-key sw_flag', { SHELFWISE_API_KEY: 'sw_env' }).apiKey).toBe('sw_flag');
    expect(parse('models').apiKey).toBeUndefined();
  });

  it('takes the API from --api, then SHELFWISE_API', () => {
    expect(parse('models', { SHELFWISE_API: 'http://gw:9000/' }).api).toBe('http://gw:9000');
    expect(parse('models --api https://x.example', { SHELFWISE_API: 'http://gw:9000' }).api).toBe(
      'https://x.example',
    );
  });

  it.each([
    'frobnicate',
    'models extra',
    'status',
    'status a b',
    'train s3://d/t.csv --epochs 0',
    'train s3://d/t.csv --epochs 2.5',
    'train s3://d/t.csv --metric accuracy',
    'predict s3://d/p.csv --epochs 3',
    'status abc --wait',
    'promote latest',
    'models --api ftp://host',
    'models --verbose',
    'download',
    'download 1234 --json',
    'download 1234 --file model',
    'status 1234 --output x.csv',
  ])('refuses "%s" as a usage error', (line) => {
    expect(() => parse(line)).toThrow(UsageError);
  });
});
