/**
 * Puts an imported estate on disk all at once: every file is written into a staging folder beside
 * the target, which is then renamed into place, so that a failure or an interrupt leaves nothing
 * half written.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { FileError, explainFileErrors } from '../../files/file-error';
import { onInterrupt } from '../../files/interrupt';
import { removeLeftovers } from '../../files/leftovers';
import { makeDirs } from '../../files/make-dirs';
import { removeIfPresent } from '../../files/remove';

/** A staging folder of one process: `.cityplan-import-<pid>`, beside the estate folder. */
const STAGING_PATTERN = /^\.cityplan-import-(\d+)$/;

/**
 * Writes `files` (path relative to the folder → text) as the folder `out`, which must not exist or
 * be empty.
 *
 * @throws FileError when `out` is a file or a folder with something in it (nothing is touched), or
 *   cannot be written (the path, the reason, what to do)
 */
export function writeEstateFolder(out: string, files: ReadonlyMap<string, string>): void {
  const target = resolve(out);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new FileError(target, `cannot write the estate to ${out}: a file of that name is there; choose a new folder`);
    if (readdirSync(target).length > 0) throw new FileError(target, `${out} is not empty; import writes a new estate into a new or empty folder, so choose another --out`);
  }
  const home = dirname(target);
  const staging = join(home, `.cityplan-import-${process.pid}`);
  const release = onInterrupt(() => removeIfPresent(staging));
  try {
    explainFileErrors(target, `write the estate to ${out}`, 'choose a folder you can write to', () => {
      makeDirs(home);
      removeLeftovers(home, STAGING_PATTERN);
      removeIfPresent(staging);
      mkdirSync(staging);
      for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
        const dir = dirname(join(staging, path));
        if (!existsSync(dir)) mkdirSync(dir);
        writeFileSync(join(staging, path), text);
      }
      // Every estate has a services folder, even one with no services imported.
      if (!existsSync(join(staging, 'services'))) mkdirSync(join(staging, 'services'));
      // An empty folder the user made for the estate is replaced by the staged one.
      if (existsSync(target)) rmdirSync(target);
      renameSync(staging, target);
    });
  } finally {
    release();
    removeIfPresent(staging);
  }
}
