import { FeaturizerMismatchError, ModelFormatError } from '@shelfwise/classifier';
import { describe, expect, it } from 'vitest';
import { describeFailure } from './describe-failure';

describe('describeFailure', () => {
  it.each([
    ['a manifest this code did not write', new ModelFormatError('manifest lacks or mistypes: labels')],
    [
      'a featurizer this code does not reproduce',
      new FeaturizerMismatchError('featurizer differs', 'a', 'b'),
    ],
  ])('fails a job at once with MODEL_MISMATCH for %s, saying why', (_case, error) => {
    expect(describeFailure(error)).toEqual({
      code: 'MODEL_MISMATCH',
      message: `the model cannot be loaded: ${error.message}`,
      permanent: true,
    });
  });

  it('retries what it does not know as TRANSIENT', () => {
    expect(describeFailure(new Error('socket hang up'))).toEqual({
      code: 'TRANSIENT',
      message: 'socket hang up',
      permanent: false,
    });
  });
});
