import { uploadName } from '@shelfwise/contracts';
import { UsageError } from './usage-error';

/**
 * `--name` for an upload: a file name, or a path of folders and a file name (`train/Training_Data.csv`),
 * so a bucket can be laid out as the original service documented (`train/…`, `human_feedback/…`). The
 * gateway's own rule (contracts' `uploadName`), checked here before a 200 MB body is sent to be refused.
 */
export function uploadKeyPath(name: string): string {
  const checked = uploadName.safeParse(name);
  if (!checked.success) {
    const problem = checked.error.issues[0]?.message ?? 'is not a file name';
    throw new UsageError(`--name ${problem}, not "${name}"`);
  }
  return checked.data;
}
