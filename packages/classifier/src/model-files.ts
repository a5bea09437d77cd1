import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExportedModel } from './export-model';

export const ONNX_FILE = 'model.onnx';
export const MANIFEST_FILE = 'manifest.json';

/** Writes dir/model.onnx and dir/manifest.json, each through a temporary file so no half-written file remains. */
export async function writeModelFiles(dir: string, model: ExportedModel): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, Uint8Array | string][] = [
    [ONNX_FILE, model.onnx],
    [MANIFEST_FILE, `${JSON.stringify(model.manifest, null, 2)}\n`],
  ];
  for (const [name, content] of files) {
    const temporary = join(dir, `.${name}.${process.pid}.tmp`);
    await writeFile(temporary, content);
    await rename(temporary, join(dir, name));
  }
}

/** The two files `loadModel` needs, as written by `writeModelFiles`. */
export async function readModelFiles(dir: string): Promise<{ onnx: Uint8Array; manifest: string }> {
  const [onnx, manifest] = await Promise.all([
    readFile(join(dir, ONNX_FILE)),
    readFile(join(dir, MANIFEST_FILE), 'utf8'),
  ]);
  return { onnx, manifest };
}
