import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates the folder `path` and its missing parents, one level at a time.
 *
 * Not `mkdirSync(path, { recursive: true })`: on Node.js 20, when the kernel answers ENOENT for a
 * folder whose parent exists (as /proc and other virtual file systems do), the recursive mkdir
 * retries for ever at 100% CPU. Here each mkdir is tried once, and its error is thrown.
 *
 * @returns the outermost folder created (remove it to undo), or undefined when something (a folder,
 *   or a file: the caller's next write finds out) is at `path` already
 * @throws the first mkdir's error that fails (EACCES, EROFS, ENOENT, ENOTDIR when a parent is a file…)
 */
export function makeDirs(path: string): string | undefined {
  const missing: string[] = [];
  for (let p = resolve(path); !existsSync(p); p = dirname(p)) {
    missing.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const dir of missing) mkdirSync(dir);
  return missing[0];
}
