import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { explainFileErrors } from './file-error';
import { onInterrupt } from './interrupt';
import { removeIfPresent } from './remove';

/**
 * Writes `data` to `path` through a temp file beside it (`.<name>.tmp-<pid>`) renamed over it, so
 * a reader sees the old file or the whole new one, never half of one; an interrupt or a failed
 * write removes the temp file and leaves `path` as it was.
 * @param remedy what the user can do when the folder cannot be written, such as `choose an --out in a folder you can write to`
 * @throws FileError when the folder cannot be written (missing, read-only, full…), or a folder is at `path`
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, remedy: string): void {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
  const release = onInterrupt(() => removeIfPresent(temp));
  try {
    explainFileErrors(target, `write ${target}`, remedy, () => {
      writeFileSync(temp, data);
      renameSync(temp, target);
    });
  } finally {
    release();
    try {
      removeIfPresent(temp);
    } catch {
      // Nothing more to do: the temp file's name says what it was.
    }
  }
}
