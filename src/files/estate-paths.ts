import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LOCK_FILE } from '../estate/lock';
import { RUNBOOKS_DIR } from '../manifest/estate-runbooks';
import { ESTATE_FILE, SERVICES_DIR } from '../manifest/load';
import { UsageError } from '../manifest/problems';

/**
 * The estate's folders of its own: every file under them is the estate's. init writes .schema/; an
 * estate kept in its own repository has .git/ at its top; the plan cache lives in .cityplan/
 * (estate/stack-cache.ts CACHE_DIR, not imported here to keep this module light).
 */
const OWN_FOLDERS = [SERVICES_DIR, RUNBOOKS_DIR, '.schema', '.cityplan', '.git'] as const;
/** The estate's files of its own at its top. */
const OWN_FILES = [ESTATE_FILE, LOCK_FILE] as const;

/**
 * What of the estate in `dir` the path `path` is, if anything: `the estate folder`, `estate.yaml`,
 * `cityplan.lock.json`, or `services/` (`runbooks/`, `.schema/`, `.cityplan/`, `.git/`) for that folder or anything under
 * it; undefined for a path outside those. Both are resolved from the working directory, following
 * symlinks as far as the path exists (a link to estate.yaml is estate.yaml), so that `./x/../estate.yaml`
 * and a link cannot slip past. Compared as the filesystem spells names (case-sensitive).
 */
export function estateOwnFile(dir: string, path: string): string | undefined {
  const estate = real(resolve(dir));
  const target = real(resolve(path));
  const rel = relative(estate, target);
  if (rel === '') return 'the estate folder';
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const first = rel.split(sep)[0]!;
  if ((OWN_FILES as readonly string[]).includes(rel)) return rel;
  if ((OWN_FOLDERS as readonly string[]).includes(first)) return `${first}/`;
  return undefined;
}

/**
 * Refuses an --out that is the estate's own file or folder: writing there would replace the
 * estate's manifests, its lock or the estate itself with output.
 * @param flag the option's name as typed, such as `--out`
 * @param example a path the message suggests instead, such as `report.html`
 * @throws UsageError (exit 2) naming the file, or saying the path is empty
 */
export function refuseEstateOwnFile(dir: string, path: string, flag: string, example: string): void {
  // An empty path would mean the current folder, which the plan would try to replace.
  if (path.trim() === '') throw new UsageError(`${flag} is empty: give the path to write, such as ${flag} ${example}`);
  const own = estateOwnFile(dir, path);
  if (!own) return;
  const what = own === 'the estate folder' ? 'is the estate folder itself' : `is the estate's own ${own}${own.endsWith('/') ? ' folder' : ''}`;
  throw new UsageError(`${flag} ${path} ${what} (${resolve(path)}): writing there would replace the estate's files; choose a path outside the estate's own files, such as ${flag} ${example}`);
}

/** `path` with symlinks followed: the deepest part that exists is resolved, the rest appended. */
function real(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  if (parent === path) return path;
  return join(real(parent), basename(path));
}
