import { needsOwnCertificate, type EstateSpec } from '../manifest/spec';
import { allocate, type ShardUsage } from './allocate';
import type { Lock, Placement } from './lock';

export interface EnvironmentAllocation {
  readonly placements: Readonly<Record<string, Placement>>;
  readonly shards: readonly ShardUsage[];
}

/** Allocates every environment of the estate against the previous lock; returns the new lock. */
export function allocateEstate(spec: EstateSpec, previous: Lock): { lock: Lock; environments: Map<string, EnvironmentAllocation> } {
  const lock: Lock = { version: 1, environments: {} };
  const environments = new Map<string, EnvironmentAllocation>();
  for (const env of spec.environments) {
    const demands = (spec.services.get(env.name) ?? [])
      .filter((s) => s.kind === 'web')
      .map((s) => ({ name: s.name, needsCertificate: needsOwnCertificate(s, env) }));
    const result = allocate(previous.environments[env.name]?.services ?? {}, demands);
    lock.environments[env.name] = { services: result.placements };
    environments.set(env.name, result);
  }
  return { lock, environments };
}
