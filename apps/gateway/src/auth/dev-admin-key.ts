import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateApiKey } from '@shelfwise/db';

/**
 * The development admin key kept in `file`: read when it is there, made (owner-only, 0600) when not, so an
 * open console tab and the CLI's SHELFWISE_API_KEY keep working across restarts. A file others may read is
 * refused, as ssh refuses such a key file.
 */
export async function devAdminKey(file: string): Promise<string> {
  const existing = await readKeyFile(file);
  if (existing) return existing;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const { key } = generateApiKey();
  try {
    // 'wx': a second gateway starting at the same moment keeps the first one's key.
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readKeyFile(file)) ?? key;
  }
}

async function readKeyFile(file: string): Promise<string | undefined> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (!info) return undefined;
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `${file} (the development admin key) can be read by others (mode ${(info.mode & 0o777).toString(8)}): chmod 600 it, or delete it for a new key`,
    );
  }
  const key = (await readFile(file, 'utf8')).trim();
  return key === '' ? undefined : key;
}
