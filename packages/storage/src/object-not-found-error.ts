/** The object (or, for a prefix, every object under it) does not exist. */
export class ObjectNotFoundError extends Error {
  constructor(readonly uri: string) {
    super(`no object at ${uri}`);
    this.name = 'ObjectNotFoundError';
  }
}
