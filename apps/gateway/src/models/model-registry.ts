import { type Db, type ModelVersion, ModelVersionRepository, withTransaction } from '@shelfwise/db';
import { ConflictError } from '../errors/conflict-error';
import { NotFoundError } from '../errors/not-found-error';

/** The model registry as users see it: list, look up, and choose which version serves. */
export class ModelRegistry {
  private readonly models: ModelVersionRepository;

  constructor(private readonly db: Db) {
    this.models = new ModelVersionRepository(db);
  }

  list(): Promise<ModelVersion[]> {
    return this.models.list();
  }

  async find(version: number): Promise<ModelVersion> {
    const model = await this.models.findByVersion(version);
    if (!model) throw new NotFoundError(`no model version ${version}`);
    return model;
  }

  /**
   * Makes `version` the serving one; the previous PRODUCTION version is ARCHIVED (and can be promoted back:
   * that is the rollback). One transaction, so there is never a moment with two or no serving versions.
   */
  promote(version: number): Promise<ModelVersion> {
    return withTransaction(this.db, async (tx) => {
      const models = new ModelVersionRepository(tx);
      const model = await models.findByVersion(version);
      if (!model) throw new NotFoundError(`no model version ${version}`);
      // Only a version whose artifacts are complete in S3 can serve.
      if (model.status !== 'READY') {
        throw new ConflictError(
          `model version ${version} is ${model.status}; only READY versions can be promoted`,
        );
      }
      return models.promote(version);
    });
  }
}
