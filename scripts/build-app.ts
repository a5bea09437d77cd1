// An app's `build` (turbo runs them all for `pnpm build`): bundles its entry points into dist/ as
// JavaScript for plain `node`. The workspace packages are TypeScript with extensionless imports, which
// Node cannot run as they are, so esbuild compiles them into the bundle, with the third-party code they
// use. The app's own `dependencies` stay external: they are in its node_modules, in the repository and in
// its image, and some must stay files, being native (onnxruntime-node) or reading their own files at run
// time (bull-board's UI, swagger-ui-dist). dist/meta.json lists what went into each bundle.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const entryPoints = process.argv.slice(2);
if (entryPoints.length === 0)
  throw new Error('usage: tsx scripts/build-app.ts <entry.ts>... (run in the app folder)');
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>;
};
const external = Object.keys(manifest.dependencies ?? {})
  .filter((name) => !name.startsWith('@shelfwise/'))
  .flatMap((name) => [name, `${name}/*`]);

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  external,
  // CommonJS code inside an ES module bundle still calls require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __shelfwiseCreateRequire } from 'node:module'; const require = __shelfwiseCreateRequire(import.meta.url);",
  },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
});
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
// An entry's hashbang runs it through tsx (the CLI's does); the bundle is plain JavaScript for node.
for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'))) {
  const code = readFileSync(output, 'utf8');
  if (code.startsWith('#!')) writeFileSync(output, code.replace(/^#!.*/, '#!/usr/bin/env node'));
}
