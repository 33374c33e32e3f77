import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Removes what killed processes left in `dir`: entries whose name matches `pattern`, whose first
 * group is the id of the process that made the entry, when that process is gone. An entry of a
 * live process (a plan running beside this one) stays.
 *
 * Best effort: what cannot be listed or removed (a read-only folder) stays, and this never throws.
 *
 * @returns the names removed
 */
export function removeLeftovers(dir: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { recursive: true, force: true });
      removed.push(name);
    } catch {
      // Left for a later plan.
    }
  }
  return removed;
}

/**
 * Whether a process with this id exists. Signal 0 only checks: ESRCH means none; EPERM means one
 * that is not ours, alive. A reused id makes a leftover look alive, which only delays its removal.
 */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}
