import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Packages that exist only for tests: their own source may use the test runner. */
const TEST_ONLY = ['packages/test-kit/', 'packages/mlflow-test-server/'];
const TEST_IMPORT = /from '(vitest|@shelfwise\/test-kit[^']*|@shelfwise\/mlflow-test-server)'/;

// Helpers tests share live under each package's test/ folder, never beside shipped code in src/.
describe('production source', () => {
  it('holds no test helper: no non-test file under src/ imports the test runner or test packages', () => {
    const sources = execFileSync('git', ['ls-files', 'apps/*/src/*.ts', 'packages/*/src/*.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
    })
      .split('\n')
      .filter((path) => path && !path.endsWith('.test.ts') && !TEST_ONLY.some((dir) => path.startsWith(dir)));
    expect(sources.length).toBeGreaterThan(100);
    const offenders = sources.filter((path) => TEST_IMPORT.test(readFileSync(`${ROOT}/${path}`, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
