import { describe, expect, it } from 'vitest';
import { jobFailureReason, readJobFailureReason } from './job-failure-reason';

describe('job failure reasons', () => {
  it('reads back the code and message a worker wrote', () => {
    const failure = {
      code: 'NO_MODEL',
      message: 'no model version is serving yet: train one first',
    } as const;
    expect(readJobFailureReason(jobFailureReason(failure))).toEqual(failure);
  });

  it.each([
    'NO_MODEL: no model version is serving yet',
    '{"code":"NOT_A_CODE","message":"x"}',
    '{"code":"NO_MODEL"}',
    'socket hang up',
  ])('finds no failure in %j', (reason) => {
    expect(readJobFailureReason(reason)).toBeUndefined();
  });
});
