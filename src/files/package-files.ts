/**
 * The files of a folder, and the fingerprint of an installed package's code: what the plan cache
 * (estate/stack-cache.ts) and the cache of parsed service files (manifest/manifest-cache.ts) key on,
 * so that a library patched in place without a new version is new code to both.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file below `dir`, sorted (the listing order of a folder is no file system's promise); none when `dir` does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/**
 * A SHA-256 of the path, size and modification time of every script (.js, .cjs, .mjs) and JSON file
 * of an installed package, its own node_modules included. About 60 ms for aws-cdk-lib's 4,000 files.
 */
export function packageFingerprint(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir)) {
    if (!/\.(c|m)?js$|\.json$/.test(file)) continue;
    const stat = statSync(file);
    hash.update(`${relative(dir, file)}\0${stat.size}\0${stat.mtimeMs}\0`);
  }
  return hash.digest('hex');
}
