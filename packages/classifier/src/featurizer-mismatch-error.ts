/**
 * The model was trained with a featurizer that this code does not reproduce: serving it would feed the
 * network ids it never saw and give confident nonsense, so loading is refused.
 */
export class FeaturizerMismatchError extends Error {
  constructor(
    message: string,
    readonly expectedHash: string,
    readonly actualHash: string | null,
  ) {
    super(message);
    this.name = 'FeaturizerMismatchError';
  }
}
