import type { JsonRoutes } from './json-routes';
import { MlflowHttpError } from './mlflow-http-error';
import type { StoredExperiment, TestServerState } from './test-server-state';
import { experimentJson } from './wire-format';

const MAX_EXPERIMENT_NAME_LENGTH = 500;

export function findExperiment(state: TestServerState, experimentId: string): StoredExperiment {
  const experiment = state.experiments.get(experimentId);
  if (!experiment) throw MlflowHttpError.doesNotExist(`No Experiment with id=${experimentId} exists`);
  return experiment;
}

export function experimentRoutes(state: TestServerState): JsonRoutes {
  return {
    'GET /mlflow/experiments/get-by-name': (fields) => {
      const name = fields.string('experiment_name');
      const experiment = [...state.experiments.values()].find((candidate) => candidate.name === name);
      if (!experiment) throw MlflowHttpError.doesNotExist(`Could not find experiment with name '${name}'`);
      return { experiment: experimentJson(experiment) };
    },

    'GET /mlflow/experiments/get': (fields) => ({
      experiment: experimentJson(findExperiment(state, fields.string('experiment_id'))),
    }),

    'POST /mlflow/experiments/create': (fields) => {
      const name = fields.string('name');
      if (name.length > MAX_EXPERIMENT_NAME_LENGTH) {
        throw MlflowHttpError.invalidParameter(
          `'name' exceeds the maximum length of ${MAX_EXPERIMENT_NAME_LENGTH} characters`,
        );
      }
      if ([...state.experiments.values()].some((experiment) => experiment.name === name)) {
        throw MlflowHttpError.alreadyExists(`Experiment(name=${name}) already exists.`);
      }
      const experimentId = String(state.nextExperimentId++);
      const now = Date.now();
      state.experiments.set(experimentId, {
        experimentId,
        name,
        artifactLocation: fields.optionalString('artifact_location') ?? `mlflow-artifacts:/${experimentId}`,
        creationTime: now,
        lastUpdateTime: now,
        tags: new Map(fields.keyValues('tags').map(({ key, value }) => [key, value])),
      });
      return { experiment_id: experimentId };
    },

    'POST /mlflow/experiments/set-experiment-tag': (fields) => {
      const experiment = findExperiment(state, fields.string('experiment_id'));
      experiment.tags.set(fields.string('key'), fields.optionalString('value') ?? '');
      experiment.lastUpdateTime = Date.now();
      return {};
    },
  };
}
