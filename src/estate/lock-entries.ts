/**
 * Plain helpers over a lock's entries, kept apart from lock.ts (which holds the lock's schema and
 * reads and writes the file) so that what builds stacks does not load the schema library: the
 * plan's builder thread (builder.ts) loads this, not zod.
 */
import type { EnvironmentLock, Lock, StackEntry } from './lock';

// The lock's types, for the modules that import these helpers (types only: nothing of lock.ts loads).
export type { EnvironmentLock, Lock, Placement, Position, ServiceEntry, StackEntry } from './lock';

export const emptyLock = (estate = ''): Lock => ({ version: 2, estate, environments: {} });

export const emptyEnvironment = (account: string, region: string): EnvironmentLock => ({ account, region, services: {}, stacks: {} });

/** Every rule priority of a placement, its first rule's first (`priorities` is written only when there are several). */
export function prioritiesOf(p: { readonly priority?: number; readonly priorities?: readonly number[] }): number[] {
  if (p.priorities) return [...p.priorities];
  return p.priority === undefined ? [] : [p.priority];
}

/** Whether a cityplan deploy started or confirmed this stack: it may exist in AWS. */
export const mayBeDeployed = (stack: StackEntry | undefined): boolean => !!(stack?.deployed || stack?.attempted);

/** Each service's stack in an environment's lock. */
export function stacksByService(env: EnvironmentLock): Map<string, StackEntry> {
  return new Map(Object.values(env.stacks).flatMap((st) => (st.service ? [[st.service, st] as const] : [])));
}
