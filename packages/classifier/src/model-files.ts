import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_FILES } from '@shelfwise/contracts';
import type { ExportedModel } from './export-model';

/**
 * Writes the model's two files into `dir`, named as in a version's S3 folder, each through a temporary
 * file so no half-written file remains.
 */
export async function writeModelFiles(dir: string, model: ExportedModel): Promise<void> {
  await mkdir(dir, { recursive: true });
  const files: [string, Uint8Array | string][] = [
    [MODEL_FILES.onnx, model.onnx],
    [MODEL_FILES.manifest, `${JSON.stringify(model.manifest, null, 2)}\n`],
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
    readFile(join(dir, MODEL_FILES.onnx)),
    readFile(join(dir, MODEL_FILES.manifest), 'utf8'),
  ]);
  return { onnx, manifest };
}
