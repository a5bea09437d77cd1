import { describe, expect, it } from 'vitest';
import { artifactProxyListPath, artifactProxyUrl } from './artifact-location';

const tracking = new URL('https://mlflow.example.com/prefix');

describe('artifactProxyUrl', () => {
  it('maps an mlflow-artifacts: root onto the tracking server proxy route', () => {
    expect(artifactProxyUrl(tracking, 'mlflow-artifacts:/3/abc/artifacts', 'model/MLmodel').href).toBe(
      'https://mlflow.example.com/prefix/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/model/MLmodel',
    );
  });

  it('uses the host named in the artifact URI and encodes path segments', () => {
    expect(
      artifactProxyUrl(tracking, 'mlflow-artifacts://artifacts:5001/3/abc/artifacts', 'a b#.txt').href,
    ).toBe('https://artifacts:5001/prefix/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts/a%20b%23.txt');
  });

  it('accepts an http root that already points at the proxy and rejects other stores', () => {
    const root = 'http://host/api/2.0/mlflow-artifacts/artifacts/3/abc/artifacts';
    expect(artifactProxyUrl(tracking, root, 'f').href).toBe(`${root}/f`);
    expect(() => artifactProxyUrl(tracking, 's3://bucket/3/abc/artifacts', 'f')).toThrow(TypeError);
    expect(() => artifactProxyUrl(tracking, 'mlflow-artifacts:/3/abc/artifacts', '../other')).toThrow(
      TypeError,
    );
  });

  it('gives the list endpoint the path below the proxy route', () => {
    expect(artifactProxyListPath(tracking, 'mlflow-artifacts:/3/abc/artifacts', 'dir')).toBe(
      '3/abc/artifacts/dir',
    );
  });
});
