import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArtifactStore } from './artifact-store';
import { experimentRoutes } from './experiment-routes';
import type { FaultInjector } from './fault-injector';
import type { JsonRoutes } from './json-routes';
import { MlflowHttpError } from './mlflow-http-error';
import { registryRoutes } from './registry-routes';
import { RequestFields } from './request-fields';
import type { RouteResult } from './route-result';
import { runDataRoutes } from './run-data-routes';
import { runRoutes } from './run-routes';
import type { RecordedRequest, TestServerState } from './test-server-state';

const API_PREFIX = '/api/2.0';
const ARTIFACTS_PATH = `${API_PREFIX}/mlflow-artifacts/artifacts`;
const DOWNLOAD_CHUNK_BYTES = 64 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Reads a JSON endpoint's fields the way MLflow does: query string for GET, JSON body otherwise. */
function jsonFields(request: IncomingMessage, url: URL, body: Buffer): RequestFields {
  if (request.method === 'GET' || body.length === 0) return RequestFields.fromQuery(url.searchParams);
  const contentType = request.headers['content-type']?.split(';')[0]?.trim();
  if (request.method === 'POST' && contentType !== 'application/json') {
    throw MlflowHttpError.invalidParameter(
      contentType === undefined
        ? 'Bad Request. Content-Type header is missing.'
        : `Bad Request. Content-Type must be one of ['application/json'], got '${contentType}'.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new MlflowHttpError('BAD_REQUEST', 'Malformed JSON in request body.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new MlflowHttpError('BAD_REQUEST', 'Request body must be a JSON object.');
  }
  return new RequestFields(parsed as Record<string, unknown>, body.length);
}

function send(response: ServerResponse, result: RouteResult): void {
  if (result.kind === 'json') {
    response
      .writeHead(result.status, { 'content-type': 'application/json' })
      .end(JSON.stringify(result.body));
    return;
  }
  response.writeHead(result.status, {
    'content-type': result.contentType,
    'content-length': result.body.length,
    'content-disposition': `attachment; filename=${result.fileName}`,
  });
  // Chunked so that clients really consume a stream rather than one buffer.
  const chunks = function* (bytes: Buffer) {
    for (let offset = 0; offset < bytes.length; offset += DOWNLOAD_CHUNK_BYTES) {
      yield bytes.subarray(offset, offset + DOWNLOAD_CHUNK_BYTES);
    }
  };
  // pipeline, not .pipe(): a client that goes away mid-download ends the source too.
  pipeline(Readable.from(chunks(result.body)), response).catch(() => {});
}

const errorResult = (error: MlflowHttpError): RouteResult => ({
  kind: 'json',
  status: error.httpStatus,
  body: error.toJson(),
});

/**
 * Serves one request: records it, applies the injected faults around the handler, and answers
 * MLflow-style errors. Requests whose client went away (or whose server stopped) while stalled are
 * dropped without being applied.
 */
export function createRequestDispatcher(state: TestServerState, faults: FaultInjector) {
  const routes: JsonRoutes = {
    ...experimentRoutes(state),
    ...runRoutes(state),
    ...runDataRoutes(state),
    ...registryRoutes(state),
  };
  const artifacts = new ArtifactStore(state);

  function route(request: IncomingMessage, url: URL, body: Buffer): RouteResult {
    const { pathname } = url;
    if (pathname === ARTIFACTS_PATH && request.method === 'GET') {
      return artifacts.list(url.searchParams.get('path') ?? undefined);
    }
    if (pathname.startsWith(`${ARTIFACTS_PATH}/`)) {
      const path = decodeURIComponent(pathname.slice(ARTIFACTS_PATH.length + 1));
      if (request.method === 'PUT') return artifacts.upload(path, body);
      if (request.method === 'GET') return artifacts.download(path);
    }
    const handler = pathname.startsWith(API_PREFIX)
      ? routes[`${request.method} ${pathname.slice(API_PREFIX.length)}`]
      : undefined;
    if (!handler) {
      throw new MlflowHttpError(
        'ENDPOINT_NOT_FOUND',
        `No endpoint ${request.method} ${pathname} in mlflow-test-server.`,
      );
    }
    return { kind: 'json', status: 200, body: handler(jsonFields(request, url, body)) };
  }

  function apply(request: IncomingMessage, url: URL, body: Buffer): RouteResult {
    try {
      return route(request, url, body);
    } catch (error) {
      if (error instanceof MlflowHttpError) return errorResult(error);
      throw error;
    }
  }

  return async (
    request: IncomingMessage,
    response: ServerResponse,
    serverLife: AbortSignal,
  ): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const record: RecordedRequest = {
      method: request.method ?? 'GET',
      path: url.pathname,
      status: undefined,
      hadAuthorization: request.headers.authorization !== undefined,
    };
    state.requests.push(record);
    const clientGone = new AbortController();
    response.on('close', () => {
      if (!response.writableFinished) clientGone.abort();
    });
    const signal = AbortSignal.any([clientGone.signal, serverLife]);
    const { failure, stall } = faults.take();

    const body = await readBody(request);
    if (stall && !stall.afterApplying) await faults.wait(stall, signal);
    if (signal.aborted) return;
    let result = failure && !failure.afterApplying ? errorResult(failure.error) : apply(request, url, body);
    if (stall?.afterApplying) await faults.wait(stall, signal);
    if (signal.aborted) return;
    if (failure?.afterApplying) result = errorResult(failure.error);
    record.status = result.status;
    send(response, result);
  };
}
