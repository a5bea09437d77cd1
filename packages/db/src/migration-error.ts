/** A migration failed, or the database holds a failed one that must be resolved first. */
export class MigrationError extends Error {
  constructor(
    readonly migration: string,
    message: string,
  ) {
    super(`migration ${migration}: ${message}`);
    this.name = 'MigrationError';
  }
}
