import { describe, expect, it } from 'vitest';
import { formatS3Uri, parseAllowedS3Uri, parseS3Uri } from './s3-uri';
import { S3UriError } from './s3-uri-error';

describe('parseS3Uri', () => {
  it('splits bucket and key, keeping prefixes', () => {
    expect(parseS3Uri('s3://dataset/train/data.csv')).toEqual({ bucket: 'dataset', key: 'train/data.csv' });
    expect(parseS3Uri('s3://dataset/feedback/')).toEqual({ bucket: 'dataset', key: 'feedback/' });
    expect(parseS3Uri('s3://dataset')).toEqual({ bucket: 'dataset', key: '' });
    expect(formatS3Uri({ bucket: 'models', key: '3/model.onnx' })).toBe('s3://models/3/model.onnx');
  });

  it.each([
    ['https://dataset/x.csv', 'expected s3://bucket/key'],
    ['dataset/x.csv', 'expected s3://bucket/key'],
    ['s3://', 'expected s3://bucket/key'],
    ['s3://Bad_Bucket/x.csv', 'not a valid bucket name'],
    ['s3://dataset/../models/x', '".."'],
  ])('refuses %s with a message naming the problem', (uri, reason) => {
    expect(() => parseS3Uri(uri)).toThrow(S3UriError);
    expect(() => parseS3Uri(uri)).toThrow(reason);
  });

  it('refuses buckets outside the allow-list, naming the allowed ones', () => {
    expect(() => parseAllowedS3Uri('s3://secrets/x', ['dataset', 'inference'])).toThrow(
      'bucket "secrets" is not one of dataset, inference',
    );
    expect(parseAllowedS3Uri('s3://inference/a', ['dataset', 'inference']).key).toBe('a');
  });
});
