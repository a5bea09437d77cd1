import { describe, expect, it } from 'vitest';
import { grantRefusal } from './client-inputs';

describe('grantRefusal', () => {
  it.each(['s3://dataset/shared/', 's3://dataset/clients/abc/train/', 's3://dataset/feed/'])(
    'lets %s be granted',
    (prefix) => {
      expect(grantRefusal(prefix, 'dataset')).toBeUndefined();
    },
  );

  it.each([
    ['s3://dataset/', /system's/],
    ['s3://dataset/feedback/', /system's/],
    ['s3://dataset/review/2026/', /system's/],
    ['s3://inference/', /prefix of the dataset bucket/],
    ['s3://dataset/shared', /ending in \//],
    ['s3://dataset/a/../feedback/', /\.\. segments/],
  ])('refuses %s', (prefix, reason) => {
    expect(grantRefusal(prefix, 'dataset')).toMatch(reason);
  });
});
