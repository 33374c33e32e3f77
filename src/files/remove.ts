import { existsSync, rmSync } from 'node:fs';

/**
 * Removes a file or folder (with what it holds) if it is there. Unlike `rmSync` with `force`, this
 * also keeps quiet when a part of the path is a file (ENOTDIR): such a path holds nothing to remove.
 * @throws what `rmSync` throws for something that is there (EACCES, EROFS…)
 */
export function removeIfPresent(path: string): void {
  if (existsSync(path)) rmSync(path, { recursive: true, force: true });
}
