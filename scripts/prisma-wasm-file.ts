import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Plugin } from 'esbuild';

// The loader Prisma generates into the client's internal/class.ts: it imports the query compiler as a
// base64 string module and decodes it. Matched exactly, so a Prisma upgrade that changes it fails the build.
const BASE64_LOADER =
  /getQueryCompilerWasmModule: async \(\) => \{\s*const \{ wasm \} = await import\("(@prisma\/client\/runtime\/(query_compiler_\w+_bg\.\w+)\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)\s*\},/;

/**
 * Ships Prisma's query compiler as a .wasm file beside the bundle instead of a base64 string inside it.
 * Bundled as Prisma generates it, the 1.7 MB module sits in the process twice for good, 2.3 MB of bundle
 * source that V8 keeps and the 2.3 MB string it evaluates to; read from the file, neither is kept.
 */
export function prismaWasmFile(outdir: string): Plugin {
  return {
    name: 'prisma-wasm-file',
    setup(build) {
      build.onLoad({ filter: /[\\/]generated[\\/]prisma[\\/]internal[\\/]class\.ts$/ }, async (args) => {
        const source = await readFile(args.path, 'utf8');
        const loader = BASE64_LOADER.exec(source);
        if (!loader?.[1] || !loader[2]) {
          throw new Error(
            `${args.path}: Prisma's query compiler loader is not the one prisma-wasm-file replaces`,
          );
        }
        const [, specifier, name] = loader;
        const module = await build.resolve(specifier, {
          resolveDir: dirname(args.path),
          kind: 'dynamic-import',
        });
        if (module.errors.length > 0) throw new Error(`${specifier}: ${module.errors[0]?.text}`);
        const { wasm } = (await import(module.path)) as { wasm: string };
        mkdirSync(outdir, { recursive: true });
        writeFileSync(join(outdir, `${name}.wasm`), Buffer.from(wasm, 'base64'));
        const fromFile =
          'getQueryCompilerWasmModule: async () => new WebAssembly.Module(' +
          `await (await import('node:fs/promises')).readFile(new URL('./${name}.wasm', import.meta.url))),`;
        return { contents: source.replace(BASE64_LOADER, fromFile), loader: 'ts' };
      });
    },
  };
}
