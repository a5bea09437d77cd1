import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

interface Manifest {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/**
 * The names of every package a production install of the package in `dir` brings (what `pnpm deploy
 * --prod` puts in its image): its dependencies, theirs, and installed peers, found the way Node finds
 * them (node_modules folders upwards from each package's real location). Dev dependencies are not
 * followed.
 */
export function dependencyClosure(dir: string): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (packageDir: string) => {
    const real = realpathSync(packageDir);
    if (seen.has(real)) return;
    seen.add(real);
    const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as Manifest;
    const wanted = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const name of wanted) {
      const found = locate(real, name);
      if (!found) continue;
      names.add(name);
      visit(found);
    }
  };
  visit(dir);
  return names;
}

function locate(from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
