import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  /** The file it came from, relative to the folder `kustomizeResources` was asked about. */
  file: string;
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field by the tests.
  [field: string]: any;
}

/** Every YAML document of a file; a syntax error throws naming the file. */
export function readManifests(path: string, root: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    const value = document.toJS() as Manifest | null;
    return value ? [{ ...value, file: relative(root, path) }] : [];
  });
}

/**
 * What `kubectl apply -k <dir>` would apply, without kubectl: the kustomization's `resources`, followed
 * into folders (their kustomization.yaml) and files. Only plain resource lists are used in infra/k8s,
 * so no patches or generators need emulating. A missing path throws.
 */
export function kustomizeResources(dir: string, root = dir): Manifest[] {
  const kustomization = join(dir, 'kustomization.yaml');
  if (!existsSync(kustomization)) throw new Error(`${relative(root, dir)} has no kustomization.yaml`);
  const { resources = [] } = readManifests(kustomization, root)[0] as unknown as { resources?: string[] };
  return resources.flatMap((resource) => {
    const path = join(dir, resource);
    if (!existsSync(path)) throw new Error(`${relative(root, kustomization)} lists missing ${resource}`);
    return statSync(path).isDirectory() ? kustomizeResources(path, root) : readManifests(path, root);
  });
}

export const folderOf = (file: string): string => dirname(file);
