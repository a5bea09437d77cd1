import type { JsonRoutes } from './json-routes';
import { MlflowHttpError } from './mlflow-http-error';
import type { RequestFields } from './request-fields';
import type { StoredModelVersion, StoredRegisteredModel, TestServerState } from './test-server-state';
import { modelVersionJson, registeredModelJson } from './wire-format';

// Alias rules from mlflow/utils/validation.py: word characters and dashes only, and neither
// "latest" nor "v<digits>", which MLflow reserves for version references.
const ALIAS_PATTERN = /^[\w-]*$/;
const VERSION_ALIAS_PATTERN = /^[vV]\d+$/;
const MAX_ALIAS_LENGTH = 255;

function findModel(state: TestServerState, name: string): StoredRegisteredModel {
  const model = state.registeredModels.get(name);
  if (!model) throw MlflowHttpError.doesNotExist(`Registered Model with name=${name} not found`);
  return model;
}

function versionNumber(fields: RequestFields): string {
  const version = fields.string('version');
  if (!/^\d+$/.test(version)) {
    throw MlflowHttpError.invalidParameter(`Parameter 'version' must be an integer, got '${version}'.`);
  }
  return String(Number(version));
}

function findVersion(model: StoredRegisteredModel, version: string): StoredModelVersion {
  const found = model.versions.find((candidate) => candidate.version === version);
  if (!found)
    throw MlflowHttpError.doesNotExist(`Model Version (name=${model.name}, version=${version}) not found`);
  return found;
}

function aliasName(fields: RequestFields): string {
  const alias = fields.string('alias');
  if (!ALIAS_PATTERN.test(alias) || alias.length > MAX_ALIAS_LENGTH) {
    throw MlflowHttpError.invalidParameter(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.toLowerCase() === 'latest') {
    throw MlflowHttpError.invalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  if (VERSION_ALIAS_PATTERN.test(alias)) {
    throw MlflowHttpError.invalidParameter(`Version alias name '${alias}' is reserved.`);
  }
  return alias;
}

export function registryRoutes(state: TestServerState): JsonRoutes {
  return {
    'POST /mlflow/registered-models/create': (fields) => {
      const name = fields.string('name');
      if (state.registeredModels.has(name)) {
        throw MlflowHttpError.alreadyExists(`Registered Model (name=${name}) already exists.`);
      }
      const now = Date.now();
      const model: StoredRegisteredModel = {
        name,
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
        description: fields.optionalString('description'),
        tags: new Map(fields.keyValues('tags').map(({ key, value }) => [key, value])),
        versions: [],
        aliases: new Map(),
      };
      state.registeredModels.set(name, model);
      return { registered_model: registeredModelJson(model) };
    },

    'GET /mlflow/registered-models/get': (fields) => ({
      registered_model: registeredModelJson(findModel(state, fields.string('name'))),
    }),

    'POST /mlflow/model-versions/create': (fields) => {
      const model = findModel(state, fields.string('name'));
      const now = Date.now();
      const version: StoredModelVersion = {
        version: String(model.versions.length + 1),
        creationTimestamp: now,
        lastUpdatedTimestamp: now,
        source: fields.string('source'),
        runId: fields.optionalString('run_id') || undefined,
        runLink: fields.optionalString('run_link') || undefined,
        description: fields.optionalString('description'),
        tags: new Map(fields.keyValues('tags').map(({ key, value }) => [key, value])),
      };
      model.versions.push(version);
      model.lastUpdatedTimestamp = now;
      return { model_version: modelVersionJson(model, version) };
    },

    'GET /mlflow/model-versions/get': (fields) => {
      const model = findModel(state, fields.string('name'));
      return { model_version: modelVersionJson(model, findVersion(model, versionNumber(fields))) };
    },

    'POST /mlflow/registered-models/alias': (fields) => {
      const model = findModel(state, fields.string('name'));
      const alias = aliasName(fields);
      const version = findVersion(model, versionNumber(fields));
      model.aliases.set(alias, version.version);
      return {};
    },

    'DELETE /mlflow/registered-models/alias': (fields) => {
      const model = findModel(state, fields.string('name'));
      // Deleting an alias that is not set is a no-op, as in MLflow's SQL store.
      model.aliases.delete(aliasName(fields));
      return {};
    },

    'GET /mlflow/registered-models/alias': (fields) => {
      const model = findModel(state, fields.string('name'));
      const alias = aliasName(fields);
      const version = model.aliases.get(alias);
      if (version === undefined)
        throw MlflowHttpError.doesNotExist(`Registered model alias ${alias} not found.`);
      return { model_version: modelVersionJson(model, findVersion(model, version)) };
    },
  };
}
