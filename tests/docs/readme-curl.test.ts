import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../apps/gateway/src/openapi/operations';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(`${ROOT}README.md`, 'utf8');

/** Every curl command of the README's shell blocks: continuation lines joined, `;` split, comments dropped. */
function curlCommands(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks
    .flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'))
    .flatMap((line) => line.replace(/\s#\s.*$/, '').split(/;\s*/))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('curl '));
}

const routeOf = (method: string, path: string) =>
  OPERATIONS.find(
    (operation) =>
      operation.method === method &&
      new RegExp(`^${operation.path.replace(/\{\w+\}/g, '[^/]+')}$`).test(path),
  );

// Users copy these lines as they are: each must name a route the gateway serves and send the key it needs.
describe("the README's curl examples", () => {
  const commands = curlCommands(README);

  it('are there', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
  });

  it('each call a documented route and send the API key where the route needs one', () => {
    expect(README).toContain('export AUTH="authorization: Bearer <key>"');
    for (const command of commands) {
      const method = (/-X (\w+)/.exec(command)?.[1] ?? 'GET').toLowerCase();
      const path = /localhost:8000(\/[^\s'"?]*)/.exec(command)?.[1] ?? '';
      const route = routeOf(method, path);
      expect(route, command).toBeDefined();
      if (route?.access !== 'open') expect(command, command).toContain('-H "$AUTH"');
    }
  });
});
