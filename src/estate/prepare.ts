import { loadEstate } from '../manifest/load';
import { EstateError } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import { allocateEstate, type EnvironmentAllocation } from './allocation';
import { estateChangeProblems } from './changes';
import { adoptMigrated, type Lock, type LockOrigin, readLock } from './lock';
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
}

/**
 * Everything plan and validate check before synthesis: the manifests, the lock, the estate-wide
 * changes planning cannot make safe, the allocation and the estate-wide quotas. `selection` is
 * what the plan covers: only its part of the lock changes.
 * @throws EstateError listing every problem found
 */
export function prepareEstate(dir: string, selection: StackSelection = {}): PreparedEstate {
  const spec = loadEstate(dir);
  const read = readLock(dir);
  const previous = read.origin === 'migrated' ? adoptMigrated(read.lock, spec.name, spec.environments) : read.lock;
  const problems = estateChangeProblems(spec, previous);
  const { lock: allocated, environments: allocation } = allocateEstate(spec, previous, { selection });
  problems.push(...estateQuotaProblems(spec, allocation));
  if (problems.length > 0) throw new EstateError(problems);
  return { spec, read, previous, allocated, allocation };
}
