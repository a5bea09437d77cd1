/** No model version serves yet: predictions cannot run until one is trained and promoted. */
export class NoModelError extends Error {
  readonly code = 'NO_MODEL';

  constructor() {
    super('no model version is serving yet; train one with POST /v1/train/csv (the first is promoted)');
    this.name = 'NoModelError';
  }
}
