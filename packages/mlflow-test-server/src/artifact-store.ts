import { extname, posix } from 'node:path';
import { MlflowHttpError } from './mlflow-http-error';
import type { RouteResult } from './route-result';
import type { TestServerState } from './test-server-state';

// The artifact proxy (`mlflow server --serve-artifacts`): paths are relative to the artifacts
// destination, so a run whose artifact_uri is `mlflow-artifacts:/1/<run>/artifacts` keeps its files
// under `1/<run>/artifacts/...`.

const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.yaml': 'text/plain',
  '.html': 'text/html',
  '.png': 'image/png',
};

/** Mirrors mlflow.utils.uri.validate_path_is_safe: no traversal, no absolute or Windows paths. */
function safeArtifactPath(path: string): string {
  const unsafe =
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.includes('\0') ||
    /^[A-Za-z]:/.test(path) ||
    path.split('/').some((part) => part === '..' || part === '.');
  if (unsafe) throw MlflowHttpError.invalidParameter(`Invalid path: ${path}`);
  return path.replace(/\/+$/, '');
}

export class ArtifactStore {
  constructor(private readonly state: TestServerState) {}

  upload(path: string, bytes: Buffer): RouteResult {
    this.state.artifacts.set(safeArtifactPath(path), bytes);
    return { kind: 'json', status: 200, body: {} };
  }

  download(path: string): RouteResult {
    const safePath = safeArtifactPath(path);
    const bytes = this.state.artifacts.get(safePath);
    // MLflow's local artifact repository fails with a bare 500 here; a 404 is what a client can act on.
    if (!bytes) throw MlflowHttpError.doesNotExist(`No such file or directory: '${safePath}'`);
    const contentType = CONTENT_TYPES[extname(safePath)] ?? 'application/octet-stream';
    return { kind: 'bytes', status: 200, body: bytes, contentType, fileName: posix.basename(safePath) };
  }

  /** Direct children of `path`, named by basename as MLflow's list handler does. */
  list(path: string | undefined): RouteResult {
    const prefix = path === undefined || path === '' ? '' : `${safeArtifactPath(path)}/`;
    const children = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [stored, bytes] of this.state.artifacts) {
      if (!stored.startsWith(prefix)) continue;
      const [name = '', ...rest] = stored.slice(prefix.length).split('/');
      children.set(
        name,
        rest.length > 0
          ? { path: name, is_dir: true }
          : { path: name, is_dir: false, file_size: bytes.length },
      );
    }
    const files = [...children.values()];
    return { kind: 'json', status: 200, body: files.length > 0 ? { files } : {} };
  }
}
