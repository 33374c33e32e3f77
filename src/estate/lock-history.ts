import { spawnSync } from 'node:child_process';
import { LOCK_FILE } from './lock';

/**
 * The last commit that wrote the lock, when the estate folder is in a git repository and the lock
 * is missing from it: then the lock was deleted, and the estate may well be deployed.
 * Undefined when there is no git, no repository, or no such commit.
 */
export function committedLock(dir: string): string | undefined {
  const git = spawnSync('git', ['log', '-1', '--format=%h', '--diff-filter=AM', '--', LOCK_FILE], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 10_000,
  });
  return git.status === 0 ? git.stdout.trim() || undefined : undefined;
}
