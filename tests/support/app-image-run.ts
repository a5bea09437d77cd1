import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DOCKERFILE = fileURLToPath(new URL('../../infra/docker/app.Dockerfile', import.meta.url));

export interface AppImageRun {
  command: string;
  args: string[];
  /** The final stage's ENV, its build argument APP filled in. */
  env: Record<string, string>;
}

/**
 * How infra/docker/app.Dockerfile's image starts `app`: its final stage's ENV and CMD. The image's working
 * folder holds the app where the repository does (apps/<app>/dist, after `pnpm build`), so run from the
 * repository root this is the image's process without the container: the node flags and malloc settings
 * measured and tested are the ones it ships.
 */
export function appImageRun(app: 'gateway' | 'worker'): AppImageRun {
  const stage =
    readFileSync(DOCKERFILE, 'utf8')
      .split(/^FROM /m)
      .at(-1) ?? '';
  const env: Record<string, string> = {};
  for (const [, assignments = ''] of stage.matchAll(/^ENV (.*)$/gm)) {
    for (const [, key = '', quoted, bare] of assignments.matchAll(/(\w+)=(?:"([^"]*)"|(\S*))/g)) {
      env[key] = (quoted ?? bare ?? '').replace(/\$\{APP\}/g, app);
    }
  }
  const [command, ...args] = JSON.parse(stage.match(/^CMD (\[.*\])$/m)?.[1] ?? '[]') as string[];
  if (!command) throw new Error(`${DOCKERFILE}: its final stage has no CMD`);
  return { command, args, env };
}

/**
 * How a test or bench starts `app` from the repository root: its TypeScript through tsx (`nodeArgs` first),
 * or with `built` as its image does.
 */
export function appRun(app: 'gateway' | 'worker', built: boolean, nodeArgs: string[] = []): AppImageRun {
  if (built) return appImageRun(app);
  return {
    command: process.execPath,
    args: [...nodeArgs, '--import', 'tsx', `apps/${app}/src/main.ts`],
    env: {},
  };
}
