import type { MlflowClient } from '@shelfwise/mlflow-client';

/** The configured experiment's id, got or created on first use and then kept for the process. */
export class MlflowExperiment {
  private id: Promise<string> | undefined;

  constructor(
    private readonly client: MlflowClient,
    readonly name: string,
  ) {}

  resolve(): Promise<string> {
    this.id ??= this.client.getOrCreateExperiment(this.name).catch((error: unknown) => {
      // Not cached: the next send asks again (MLflow may have been down).
      this.id = undefined;
      throw error;
    });
    return this.id;
  }
}
