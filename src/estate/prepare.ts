import { loadEstate } from '../manifest/load';
import { ManifestCache } from '../manifest/manifest-cache';
import { EstateError, type Problem } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import { allocateEstate, type EnvironmentAllocation } from './allocation';
import { estateChangeProblems } from './changes';
import { adoptMigrated, emptyLock, type Lock, type LockOrigin, mayBeDeployed, readLock } from './lock';
import { estateQuotaProblems } from './quotas';
import type { StackSelection } from './stack-plan';

export interface PreparedEstate {
  readonly spec: EstateSpec;
  /** The lock as read (version 1 migrated), and where it came from. */
  readonly read: { readonly lock: Lock; readonly origin: LockOrigin };
  /** The previous state: the lock read, completed from the manifests when it was migrated. */
  readonly previous: Lock;
  /** The lock after allocation: services placed; stacks as the previous plan left them. */
  readonly allocated: Lock;
  readonly allocation: ReadonlyMap<string, EnvironmentAllocation>;
  /** What of the lock was started afresh because nothing of it was ever deployed (plan flags). */
  readonly restarted: readonly string[];
  /** The parsed service files, with `reading.cache`: to save once the plan succeeded. */
  readonly manifests?: ManifestCache;
}

/**
 * Everything plan and validate check before synthesis: the manifests, the lock, the estate-wide
 * changes planning cannot make safe, the allocation and the estate-wide quotas. `selection` is
 * what the plan covers: only its part of the lock changes.
 * @throws EstateError listing every problem found
 */
export function prepareEstate(dir: string, selection: StackSelection = {}, reading: { readonly cache?: boolean } = {}): PreparedEstate {
  // The lock is read first for who held which host name, but the manifests' problems come first.
  let lockRead: ReturnType<typeof readLock> | undefined;
  try {
    lockRead = readLock(dir);
  } catch {
    lockRead = undefined;
  }
  const held = lockRead?.lock;
  const manifests = reading.cache ? ManifestCache.open(dir) : undefined;
  const spec = loadEstate(dir, { holderOf: (env, host) => (held ? holderIn(held, env, host) : undefined), cache: manifests });
  const read = lockRead ?? readLock(dir);
  const adopted = read.origin === 'migrated' ? adoptMigrated(read.lock, spec.name, spec.environments) : read.lock;
  const { lock: previous, restarted } = forgetWhatWasNeverDeployed(spec, adopted);
  const problems = [...estateChangeProblems(spec, previous), ...everyServiceGone(spec, previous)];
  const { lock: allocated, environments: allocation } = allocateEstate(spec, previous, { selection });
  problems.push(...estateQuotaProblems(spec, allocation));
  if (problems.length > 0) throw new EstateError(problems);
  return { spec, read, previous, allocated, allocation, restarted, ...(manifests ? { manifests } : {}) };
}

/**
 * A renamed estate, or an environment moved to another account or region, is refused while the
 * lock records something deployed there (estateChangeProblems). When nothing ever was (an example
 * copied and renamed, placeholder accounts replaced after a first plan), there is nothing to
 * protect: that part of the lock starts afresh, and the plan says so.
 */
function forgetWhatWasNeverDeployed(spec: EstateSpec, lock: Lock): { lock: Lock; restarted: string[] } {
  const deployedIn = (env: string) => Object.values(lock.environments[env]?.stacks ?? {}).some(mayBeDeployed);
  if (lock.estate && lock.estate !== spec.name && !Object.keys(lock.environments).some(deployedIn)) {
    return { lock: emptyLock(), restarted: [`the lock was written for estate ${lock.estate}, of which nothing was deployed: it starts afresh for estate ${spec.name}`] };
  }
  const restarted: string[] = [];
  const environments = { ...lock.environments };
  for (const env of spec.environments) {
    const before = environments[env.name];
    if (!before?.account || (before.account === env.account && before.region === env.region) || deployedIn(env.name)) continue;
    delete environments[env.name];
    restarted.push(`environment ${env.name} moved from account ${before.account}, ${before.region} to ${env.account}, ${env.region} before anything was deployed: its part of the lock starts afresh`);
  }
  return { lock: { ...lock, environments }, restarted };
}

/** The service the lock places at a host name in an environment, if any. */
function holderIn(lock: Lock, env: string, host: string): string | undefined {
  const services = lock.environments[env]?.services ?? {};
  return Object.keys(services).find((name) => services[name]!.hostnames?.includes(host));
}

/**
 * No service files at all, where the lock has services: an empty or misplaced services/ folder is
 * far likelier than a wish to remove every service at once, which would take every stack down.
 * Removing them all is still possible, a few at a time.
 */
function everyServiceGone(spec: EstateSpec, previous: Lock): Problem[] {
  if ([...spec.services.values()].some((list) => list.length > 0)) return [];
  const known = new Set(Object.values(previous.environments).flatMap((e) => Object.entries(e.services).filter(([, s]) => !s.removed).map(([name]) => name)));
  // One service going is an ordinary removal; all of several at once is the folder's mistake.
  if (known.size < 2) return [];
  return [
    {
      file: 'services/',
      message: `holds no service files, but the lock records ${known.size} service${known.size === 1 ? '' : 's'} (${[...known].sort().slice(0, 5).join(', ')}${known.size > 5 ? ', …' : ''}): a plan would remove every one. Put their files back in services/ (a folder of another name is not read); to remove them all, remove them a few at a time`,
    },
  ];
}
