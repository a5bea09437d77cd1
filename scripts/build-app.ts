// An app's `build` (turbo runs them all for `pnpm build`): bundles its entry points into dist/ as
// JavaScript for plain `node`. The workspace packages are TypeScript with extensionless imports, which
// Node cannot run as they are, so esbuild compiles them into the bundle, with the third-party code they
// use. The app's own `dependencies` stay external: they are in its node_modules, in the repository and in
// its image. `--external a,b` narrows that to the packages that must stay files, being native
// (onnxruntime-node) or reading their own files at run time (bull-board's UI, swagger-ui-dist), and bundles
// the rest too: what a process never calls then costs it no memory (the bundle holds only what is imported,
// minified; a package loaded from node_modules keeps every module it requires, comments included, as V8
// source strings). dist/meta.json lists what went into each bundle.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { prismaWasmFile } from './prisma-wasm-file';

const { values, positionals: entryPoints } = parseArgs({
  options: { external: { type: 'string' } },
  allowPositionals: true,
});
if (entryPoints.length === 0) {
  throw new Error('usage: tsx scripts/build-app.ts [--external a,b] <entry.ts>... (run in the app folder)');
}
const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>;
};
const declared = Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@shelfwise/'));
const kept = values.external?.split(',') ?? declared;
for (const name of kept) {
  if (!declared.includes(name)) throw new Error(`--external ${name}: not one of the app's dependencies`);
}
const external = kept.flatMap((name) => [name, `${name}/*`]);

rmSync('dist', { recursive: true, force: true });
const result = await build({
  entryPoints,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  external,
  // A package's ES module build where it ships one: unused exports are left out of the bundle.
  mainFields: ['module', 'main'],
  // CommonJS code inside an ES module bundle still calls require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __shelfwiseCreateRequire } from 'node:module'; const require = __shelfwiseCreateRequire(import.meta.url);",
  },
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  plugins: [prismaWasmFile('dist')],
  metafile: true,
  logLevel: 'warning',
});
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
// An entry's hashbang runs it through tsx (the CLI's does); the bundle is plain JavaScript for node.
for (const output of Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'))) {
  const code = readFileSync(output, 'utf8');
  if (code.startsWith('#!')) writeFileSync(output, code.replace(/^#!.*/, '#!/usr/bin/env node'));
}
