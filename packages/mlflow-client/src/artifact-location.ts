const PROXY_ROUTE = '/api/2.0/mlflow-artifacts/artifacts';

/**
 * Where the tracking server's artifact proxy serves `relativePath` of a run whose artifact root is
 * `artifactUri`. With the default `mlflow-artifacts:` root, `mlflow-artifacts:/1/<run>/artifacts`
 * maps to `<tracking>/api/2.0/mlflow-artifacts/artifacts/1/<run>/artifacts/<relativePath>`; a root
 * naming a host (`mlflow-artifacts://host:port/...`) is served by that host, as in MLflow's Python
 * client, and an `http(s)` root that already points at the proxy route is used as it is.
 */
export function artifactProxyUrl(trackingUrl: URL, artifactUri: string, relativePath = ''): URL {
  const root = artifactProxyRoot(trackingUrl, artifactUri);
  const segments = relativePath.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) {
    throw new TypeError(`Artifact path must stay inside the run's artifact root: '${relativePath}'`);
  }
  root.pathname = [root.pathname.replace(/\/+$/, ''), ...segments.map(encodeURIComponent)].join('/');
  return root;
}

function artifactProxyRoot(trackingUrl: URL, artifactUri: string): URL {
  if (artifactUri.startsWith('mlflow-artifacts:')) {
    const parsed = new URL(artifactUri);
    const root = new URL(trackingUrl);
    if (parsed.host) root.host = parsed.host;
    const rootPath = parsed.pathname.replace(/^\/+/, '');
    root.pathname = `${root.pathname.replace(/\/+$/, '')}${PROXY_ROUTE}/${rootPath}`;
    return root;
  }
  if (/^https?:\/\//.test(artifactUri) && new URL(artifactUri).pathname.includes(`${PROXY_ROUTE}/`)) {
    return new URL(artifactUri);
  }
  throw new TypeError(
    `Artifact URI '${artifactUri}' is not served by the tracking server's artifact proxy (mlflow-artifacts:)`,
  );
}

/** The `path` query value of the proxy's list endpoint: the artifact location below the proxy route. */
export function artifactProxyListPath(trackingUrl: URL, artifactUri: string, relativePath = ''): string {
  const url = artifactProxyUrl(trackingUrl, artifactUri, relativePath);
  const index = url.pathname.indexOf(`${PROXY_ROUTE}/`);
  return decodeURIComponent(url.pathname.slice(index + PROXY_ROUTE.length + 1));
}
