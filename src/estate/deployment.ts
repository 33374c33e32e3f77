/**
 * What a deploy confirms, recorded in the lock. Only what AWS reported done is recorded: a stack
 * deployed releases the claims it gave up; a removal deployed leaves only its retained resources
 * (listed under `retained`); a stack deleted leaves the lock, and with it a removed service.
 */
import type { Lock, RetainedEntry, StackEntry } from './lock';

export interface DeploymentOutcome {
  /** Stacks deployed successfully, in any form (normal, retiring, removal). */
  readonly deployed: readonly string[];
  /** Stacks deleted. */
  readonly destroyed: readonly string[];
  /** Stacks whose deployment started (the toolkit asked to go ahead), whether or not it finished. */
  readonly attempted?: readonly string[];
  /** Of `deployed`, the stacks deployed as removals (everything but a placeholder deleted). */
  readonly removals: ReadonlySet<string>;
  /** Name servers read from a foundation that created its zone, by environment. */
  readonly nameServers?: Readonly<Record<string, readonly string[]>>;
}

/** @param today ISO date recorded on what a removal leaves behind */
export function recordDeployment(lock: Lock, outcome: DeploymentOutcome, today: string = new Date().toISOString().slice(0, 10)): Lock {
  const deployed = new Set(outcome.deployed);
  const destroyed = new Set(outcome.destroyed);
  const attempted = new Set(outcome.attempted ?? []);
  const environments: Lock['environments'] = {};
  for (const [name, env] of Object.entries(lock.environments)) {
    const stacks: Record<string, StackEntry> = {};
    const retained: RetainedEntry[] = [...(env.retained ?? [])];
    const leave = (stack: string, entry: StackEntry, claims: readonly string[]) => {
      const service = entry.service ? env.services[entry.service] : undefined;
      for (const claim of claims.filter((c) => entry.retains?.includes(c))) {
        if (retained.some((r) => r.claim === claim)) continue;
        retained.push({
          claim,
          stack,
          ...(entry.service ? { service: entry.service, incarnation: service?.incarnation ?? 1 } : {}),
          since: today,
        });
      }
    };
    for (const [stack, entry] of Object.entries(env.stacks)) {
      if (destroyed.has(stack)) {
        if (entry.removal !== 'drained') leave(stack, entry, [...entry.claims, ...(entry.held ?? [])]);
        continue;
      }
      if (!deployed.has(stack)) {
        // Started but not confirmed: it may exist in AWS now, half made or rolled back.
        stacks[stack] = attempted.has(stack) && !entry.deployed ? { ...entry, attempted: true } : entry;
        continue;
      }
      if (outcome.removals.has(stack)) {
        if (entry.removal !== 'drained') leave(stack, entry, [...entry.claims, ...(entry.held ?? [])]);
        stacks[stack] = { role: entry.role, ...pick(entry), claims: [], deployed: true, removal: 'drained' };
        continue;
      }
      // Whatever it gave up is gone now; a retained resource among it was left behind.
      leave(stack, entry, entry.held ?? []);
      const { held: _held, attempted: _attempted, ...rest } = entry;
      const retains = entry.retains?.filter((c) => entry.claims.includes(c));
      stacks[stack] = {
        ...rest,
        ...(retains?.length ? { retains } : { retains: undefined }),
        deployed: true,
        ...(entry.removal === 'pending' ? { removal: 'unprotected' as const } : {}),
      };
    }
    const confirmed = new Set(Object.entries(env.stacks).flatMap(([stack, e]) => (deployed.has(stack) && e.service ? [e.service] : [])));
    const services = Object.fromEntries(
      Object.entries(env.services)
        .filter(([service, s]) => !s.removed || Object.values(stacks).some((x) => x.service === service))
        // A move the deploy confirmed is no longer pending.
        .map(([service, s]) => {
          if (!confirmed.has(service) || !s.lastDeployed) return [service, s];
          const { lastDeployed: _moved, ...rest } = s;
          return [service, rest];
        }),
    );
    const nameServers = outcome.nameServers?.[name] ?? env.nameServers;
    environments[name] = {
      ...env,
      ...(nameServers ? { nameServers: [...nameServers] } : {}),
      services,
      stacks: withoutUndefined(stacks),
      ...(retained.length ? { retained } : {}),
    };
  }
  // A deploy that went through with this lock settles whether it replaced a lost one.
  const { replaces, ...rest } = lock;
  return { ...(outcome.deployed.length > 0 ? rest : { ...rest, ...(replaces ? { replaces } : {}) }), environments };
}

function pick(entry: StackEntry): Pick<StackEntry, 'service' | 'shard'> {
  return { ...(entry.service ? { service: entry.service } : {}), ...(entry.shard !== undefined ? { shard: entry.shard } : {}) };
}

function withoutUndefined(stacks: Record<string, StackEntry>): Record<string, StackEntry> {
  return Object.fromEntries(
    Object.entries(stacks).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as StackEntry]),
  );
}
