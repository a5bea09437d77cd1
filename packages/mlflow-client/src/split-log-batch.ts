export interface WireMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface WireKeyValue {
  key: string;
  value: string;
}

export interface LogBatchChunk {
  metrics: WireMetric[];
  params: WireKeyValue[];
  tags: WireKeyValue[];
}

export interface LogBatchLimits {
  metrics: number;
  params: number;
  tags: number;
  entities: number;
  bytes: number;
}

/**
 * MLflow's documented LogBatch limits. The 1 MB request limit is approached from below, leaving room
 * for the run id and JSON punctuation our per-entity estimate leaves out.
 */
export const MLFLOW_LOG_BATCH_LIMITS: LogBatchLimits = {
  metrics: 1000,
  params: 100,
  tags: 100,
  entities: 1000,
  bytes: 950_000,
};

const jsonBytes = (entity: unknown) => Buffer.byteLength(JSON.stringify(entity)) + 1;

/**
 * Splits a batch into requests within `limits`, keeping the order within metrics, params and tags
 * (MLflow applies each type in request order, e.g. the last tag value wins). Params and tags go
 * first because they are few; metrics fill the remaining room.
 */
export function splitLogBatch(
  batch: LogBatchChunk,
  limits: LogBatchLimits = MLFLOW_LOG_BATCH_LIMITS,
): LogBatchChunk[] {
  const chunks: LogBatchChunk[] = [];
  let metric = 0;
  let param = 0;
  let tag = 0;
  while (metric < batch.metrics.length || param < batch.params.length || tag < batch.tags.length) {
    const chunk: LogBatchChunk = { metrics: [], params: [], tags: [] };
    let entities = 0;
    let bytes = 0;
    const fits = (entity: unknown, perTypeCount: number, perTypeLimit: number) => {
      const size = jsonBytes(entity);
      // An empty chunk takes its first entity whatever its size, so that splitting always progresses.
      const ok =
        perTypeCount < perTypeLimit &&
        entities < limits.entities &&
        (entities === 0 || bytes + size <= limits.bytes);
      if (ok) {
        entities += 1;
        bytes += size;
      }
      return ok;
    };
    while (param < batch.params.length && fits(batch.params[param], chunk.params.length, limits.params)) {
      chunk.params.push(batch.params[param++] as WireKeyValue);
    }
    while (tag < batch.tags.length && fits(batch.tags[tag], chunk.tags.length, limits.tags)) {
      chunk.tags.push(batch.tags[tag++] as WireKeyValue);
    }
    while (
      metric < batch.metrics.length &&
      fits(batch.metrics[metric], chunk.metrics.length, limits.metrics)
    ) {
      chunk.metrics.push(batch.metrics[metric++] as WireMetric);
    }
    chunks.push(chunk);
  }
  return chunks;
}
