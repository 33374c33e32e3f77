import type { EnvironmentSpec, EstateSpec, ServiceSpec } from '../manifest/spec';
import { costOf, shiftsTraffic, webCost, webHosts, type WebCost } from '../service/web-routing';
import { allocate, type PreviousPlacement, type Reservation, type ShardUsage } from './allocate';
import { parseRuleClaim } from './claims';
import type { StackSelection } from './stack-plan';
import { DELIVERY } from '../naming/names';
import {
  emptyEnvironment,
  type EnvironmentLock,
  type Lock,
  mayBeDeployed,
  type Placement,
  type Position,
  prioritiesOf,
  type ServiceEntry,
  type StackEntry,
  stacksByService,
} from './lock-entries';

export interface EnvironmentAllocation {
  readonly placements: Readonly<Record<string, Placement>>;
  /** Shards the environment's current web services sit on. */
  readonly shards: readonly ShardUsage[];
  /** Which life of each service this is (1 unless an earlier one left retained resources). */
  readonly incarnations: Readonly<Record<string, number>>;
}

export interface AllocationOptions {
  /**
   * What the plan covers: only its services' entries change. The others keep their lock entries
   * as they are (or stay out of it), since their stacks are not rebuilt; they are still placed.
   */
  readonly selection?: StackSelection;
  /** ISO date recorded on services first found removed. @default today */
  readonly today?: string;
}

/**
 * Allocates every environment of the estate against the previous lock and returns the new lock.
 * The new lock's `services` record every service of the manifests and every removed service whose
 * stack may still be deployed (marked `removed`); its `stacks` are carried over unchanged, for the
 * plan to update from what it synthesizes (see transition.ts).
 */
export function allocateEstate(
  spec: EstateSpec,
  previous: Lock,
  options: AllocationOptions = {},
): { lock: Lock; environments: Map<string, EnvironmentAllocation> } {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const { environment, service } = options.selection ?? {};
  const lock: Lock = { version: 2, estate: spec.name, ...(previous.replaces ? { replaces: previous.replaces } : {}), environments: {} };
  const environments = new Map<string, EnvironmentAllocation>();
  for (const env of spec.environments) {
    const before = previous.environments[env.name] ?? emptyEnvironment(env.account, env.region);
    const planned = (name: string) => (!environment || environment === env.name) && (!service || service === name);
    const { entry, allocation } = allocateEnvironment(env, spec.services.get(env.name) ?? [], before, today, planned);
    environments.set(env.name, allocation);
    // An environment outside the plan keeps its record as it was (or still has none).
    if (!environment || environment === env.name) lock.environments[env.name] = entry;
    else if (previous.environments[env.name]) lock.environments[env.name] = previous.environments[env.name]!;
  }
  // An environment no longer in estate.yaml keeps its record: its stacks are still deployed.
  for (const [name, env] of Object.entries(previous.environments)) lock.environments[name] ??= env;
  // The delivery account's stacks are recorded as an environment's are (delivery/delivery-plan.ts).
  if (spec.delivery.repo) lock.environments[DELIVERY] ??= emptyEnvironment(spec.delivery.account, spec.region);
  return { lock, environments };
}

function allocateEnvironment(
  env: EnvironmentSpec,
  services: readonly ServiceSpec[],
  before: EnvironmentLock,
  today: string,
  planned: (service: string) => boolean,
): { entry: EnvironmentLock; allocation: EnvironmentAllocation } {
  const present = new Set(services.map((s) => s.name));
  const stackOf = stacksByService(before);
  const retainedBy = new Map<string, number[]>();
  for (const r of before.retained ?? []) if (r.service) retainedBy.set(r.service, [...(retainedBy.get(r.service) ?? []), r.incarnation ?? 1]);
  const previousPlacements: Record<string, PreviousPlacement> = {};
  for (const [name, s] of Object.entries(before.services)) {
    if (!present.has(name) || s.shard === undefined || s.priority === undefined) continue;
    previousPlacements[name] = {
      shard: s.shard,
      priority: s.priority,
      ...(s.priorities ? { priorities: s.priorities } : {}),
      ...(s.hostnames ? { cost: costHad(s, env) } : {}),
      ...(planned(name) ? {} : { pinned: true }),
    };
  }
  const web = services.filter((s) => s.kind === 'web');
  const result = allocate(
    previousPlacements,
    web.map((s) => ({ name: s.name, ...webCost(s, env) })),
    reservations(before, new Set(web.map((s) => s.name)), env),
  );

  const entries: Record<string, ServiceEntry> = {};
  const incarnations: Record<string, number> = {};
  for (const s of services) {
    const old = before.services[s.name];
    if (!planned(s.name)) {
      // Placed (the plan needs to know where), but recorded only by a plan that covers it.
      if (old) entries[s.name] = old;
      incarnations[s.name] = old?.incarnation ?? 1;
      continue;
    }
    const stack = stackOf.get(s.name);
    const incarnation = incarnationOf(old, stack, retainedBy.get(s.name) ?? []);
    incarnations[s.name] = incarnation;
    const placement = result.placements[s.name];
    const now: Position = placement
      ? {
          shard: placement.shard,
          priority: placement.priority,
          ...(placement.priorities ? { priorities: placement.priorities } : {}),
          hostnames: webHosts(s, env),
          ...(shiftsTraffic(s.deploy.strategy) ? { strategy: s.deploy.strategy as NonNullable<Position['strategy']> } : {}),
        }
      : {};
    const lastDeployed = old && pendingMove(old, now, mayBeDeployed(stack) && stack!.removal !== 'drained');
    entries[s.name] = {
      kind: s.kind,
      ...now,
      // Recorded so that a plan removing the service can say what becomes of the database.
      ...(s.postgres ? { database: { engine: s.postgres.serverless ? ('aurora' as const) : ('rds' as const), dropped: env.protect ? ('retained' as const) : ('deleted' as const) } } : {}),
      ...(incarnation > 1 ? { incarnation } : {}),
      ...(lastDeployed ? { lastDeployed } : {}),
    };
  }
  // A removed service is remembered for as long as a stack of it may be deployed.
  for (const [name, old] of Object.entries(before.services)) {
    if (present.has(name)) continue;
    if (!planned(name)) entries[name] = old;
    else if (mayBeDeployed(stackOf.get(name))) entries[name] = { ...old, removed: old.removed ?? today };
  }
  return {
    entry: { ...before, account: env.account, region: env.region, domain: env.domain, services: entries },
    allocation: { placements: result.placements, shards: result.shards, incarnations },
  };
}

/**
 * Priorities some stack may still hold for another service: every placement of a service that no
 * longer has a web stack (removed, or now a worker or job) whose stack is not yet deleted, and what
 * a web service gave up (moving shard or priority) while no deploy has confirmed it.
 *
 * @param web the environment's web services now
 */
function reservations(before: EnvironmentLock, web: ReadonlySet<string>, env: EnvironmentSpec): Reservation[] {
  const reserved: Reservation[] = [];
  const stackOf = stacksByService(before);
  for (const [name, s] of Object.entries(before.services)) {
    if (web.has(name) || s.shard === undefined || s.priority === undefined) continue;
    // Only a stack some deploy may have made holds anything on a load balancer.
    if (stackOf.has(name) && !mayBeDeployed(stackOf.get(name))) continue;
    const cost = costHad(s, env);
    reserved.push({ shard: s.shard, priorities: prioritiesOf(s), targetGroups: cost.targetGroups, certificates: cost.certificates });
  }
  for (const stack of Object.values(before.stacks)) {
    if (!mayBeDeployed(stack)) continue;
    const leaving = stack.service !== undefined && !web.has(stack.service);
    // What a stack holds on one shard is one service's rules with its target groups there.
    const byShard = new Map<number, number[]>();
    for (const claim of leaving ? [...stack.claims, ...(stack.held ?? [])] : (stack.held ?? [])) {
      const rule = parseRuleClaim(claim);
      if (rule) byShard.set(rule.shard, [...(byShard.get(rule.shard) ?? []), rule.priority]);
    }
    const entry = stack.service !== undefined ? before.services[stack.service] : undefined;
    // Whichever strategy it had there, it held at most two target groups.
    const targetGroups = entry && (shiftsTraffic(entry.strategy) || shiftsTraffic(entry.lastDeployed?.strategy)) ? 2 : 1;
    for (const [shard, priorities] of byShard) reserved.push({ shard, priorities, targetGroups, certificates: 0 });
  }
  return reserved;
}

/**
 * What a service cost its shard as the lock recorded it: its rules, its target groups (by the
 * strategy recorded), and its own certificates (of its names past its first).
 */
function costHad(s: ServiceEntry, env: EnvironmentSpec): WebCost {
  const cost = costOf(s.hostnames ?? [], env.domain, s.strategy);
  return { ...cost, rules: Math.max(1, prioritiesOf(s).length) };
}

/**
 * Where a service was when last deployed, if it has moved since: kept from plan to plan until a
 * deploy confirms the move, so that every plan shows the move still to be deployed. Only what the
 * lock knew is compared (a version 1 lock knew no hostnames).
 */
function pendingMove(old: ServiceEntry, now: Position, mayBeDeployed: boolean): Position | undefined {
  // A service that is no longer web does not move: its web stack leaves (see stack-plan.ts).
  if (now.shard === undefined) return undefined;
  const base =
    old.lastDeployed ??
    (mayBeDeployed ? { shard: old.shard, priority: old.priority, priorities: old.priorities, hostnames: old.hostnames, strategy: old.strategy } : undefined);
  if (!base) return undefined;
  const differs =
    (base.shard !== undefined && base.shard !== now.shard) ||
    (base.priority !== undefined && prioritiesOf(base).join(',') !== prioritiesOf(now).join(',')) ||
    (base.hostnames !== undefined && JSON.stringify(base.hostnames) !== JSON.stringify(now.hostnames ?? [])) ||
    // Rolling is not written: a lock without a strategy had the default.
    (base.strategy ?? 'rolling') !== (now.strategy ?? 'rolling');
  return differs ? Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) : undefined;
}

/**
 * A service keeps its incarnation while its stack lives. Re-added after a removal whose deploy left
 * retained resources behind (their names carry the incarnation), it starts the next one, so its
 * new resources never collide with what the old life left.
 */
function incarnationOf(old: ServiceEntry | undefined, stack: StackEntry | undefined, left: readonly number[]): number {
  if (old && stack && stack.removal !== 'drained') return old.incarnation ?? 1;
  return left.length > 0 ? Math.max(...left) + 1 : (old?.incarnation ?? 1);
}
