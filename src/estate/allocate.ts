/**
 * Places web services on load-balancer shards and gives each the listener-rule priorities it needs.
 * Existing placements never move to make room: a new service takes the first shard with room
 * and the lowest free priorities there. Only a service whose own needs outgrow its shard moves.
 * A priority some stack may still hold (a removed service not yet deleted, a moved service not yet
 * deployed) is never given to another service: two rules cannot share a priority on a listener.
 *
 * A shard's budget is counted in what each service costs it (see service/web-routing.ts): listener
 * rules (one per 5 host names), target groups (two for ECS-native canary, linear and blue/green
 * deployments) and SNI certificates (one per 10 names outside the environment's wildcard).
 */
import type { WebCost } from '../service/web-routing';
import { type Placement, prioritiesOf } from './lock-entries';

/**
 * Listener rules per Application Load Balancer, default rules excluded: 100, the ELB default
 * (adjustable; "Quotas for your Application Load Balancers"). Each shard has one HTTPS listener
 * carrying every rule.
 */
export const RULES_PER_ALB = 100;
/** Target groups one ALB can serve: 100, a hard ELB quota. */
export const TARGET_GROUPS_PER_ALB = 100;
/**
 * Rules and target groups placed per shard: 5 of each ALB quota are kept in reserve for what
 * services still held on the shard (a removal or a move not yet deployed) keep until a deploy
 * releases it.
 */
export const RULES_PER_SHARD = RULES_PER_ALB - 5;
export const TARGET_GROUPS_PER_SHARD = TARGET_GROUPS_PER_ALB - 5;
/** Services of one rule and one target group a shard holds (the budget when every service is plain). */
export const SERVICES_PER_SHARD = Math.min(RULES_PER_SHARD, TARGET_GROUPS_PER_SHARD);
/** SNI certificates per ALB: the ELB quota is 25, the default certificate not counted. */
export const CERTIFICATES_PER_ALB = 25;
/**
 * SNI certificates placed per shard when each service brings at most one: replacing a service's
 * certificates attaches the new ones before the old ones are detached (stacks deploy one at a time),
 * so a shard keeps as many slots free as the most certificates any one service on it has, at
 * least one.
 */
export const CERTIFICATES_PER_SHARD = CERTIFICATES_PER_ALB - 1;

/** A web service to place, with what it costs its shard. */
export interface Demand extends WebCost {
  readonly name: string;
}

/** Rule priorities (with their target groups and certificates) a deployed stack may still hold on a shard. */
export interface Reservation {
  readonly shard: number;
  readonly priorities: readonly number[];
  readonly targetGroups: number;
  readonly certificates: number;
}

export interface ShardUsage {
  readonly id: number;
  readonly services: number;
  readonly rules: number;
  readonly targetGroups: number;
  readonly certificates: number;
}

interface Shard {
  services: number;
  rules: number;
  targetGroups: number;
  certificates: number;
  /** The most certificates one placed service has: that many slots stay free for its replacement. */
  largestCertificates: number;
  reservedRules: number;
  reservedTargetGroups: number;
  reservedCertificates: number;
  priorities: Set<number>;
}

/** A placement from the lock, with what the service cost there. */
export interface PreviousPlacement extends Placement {
  /** Undefined when the lock does not know (version 1): taken to be what the service needs now. */
  readonly cost?: WebCost;
  /** Kept as it is, whatever the service needs now: this plan does not rebuild its stack. */
  readonly pinned?: boolean;
}

/**
 * @param previous placements from the lock, kept wherever they still fit
 * @param demands every web service of the environment (any order: the result does not depend on it)
 * @param reserved priorities held by stacks on their way out; they occupy their slot until released
 * @returns each service's placement (`priorities` only when it has several rules) and each used
 *   shard's usage, by shard number
 */
export function allocate(
  previous: Readonly<Record<string, PreviousPlacement>>,
  demands: readonly Demand[],
  reserved: readonly Reservation[] = [],
): { placements: Record<string, Placement>; shards: ShardUsage[] } {
  const sorted = [...demands].sort((a, b) => a.name.localeCompare(b.name));
  const shards = new Map<number, Shard>();
  const shard = (id: number) => {
    let s = shards.get(id);
    if (!s) {
      s = { services: 0, rules: 0, targetGroups: 0, certificates: 0, largestCertificates: 0, reservedRules: 0, reservedTargetGroups: 0, reservedCertificates: 0, priorities: new Set() };
      shards.set(id, s);
    }
    return s;
  };
  for (const r of reserved) {
    const s = shard(r.shard);
    const fresh = r.priorities.filter((p) => !s.priorities.has(p));
    // Held twice (by a service's entry and by its stack's claims): counted once.
    if (fresh.length === 0) continue;
    for (const p of fresh) s.priorities.add(p);
    s.reservedRules += fresh.length;
    s.reservedTargetGroups += r.targetGroups;
    s.reservedCertificates += r.certificates;
  }
  const certificateRoom = (s: Shard, d: Demand, held: number) =>
    d.certificates === 0 || s.certificates + d.certificates + held + Math.max(1, s.largestCertificates, d.certificates) <= CERTIFICATES_PER_ALB;
  // A kept service is deployed already: only the services beside it count against it.
  const keeps = (s: Shard, d: Demand) =>
    s.rules + d.rules <= RULES_PER_SHARD && s.targetGroups + d.targetGroups <= TARGET_GROUPS_PER_SHARD && certificateRoom(s, d, 0);
  // A new one must also leave room for everything still held there.
  const fits = (s: Shard, d: Demand) =>
    keeps(s, d) &&
    s.rules + s.reservedRules + d.rules <= RULES_PER_ALB &&
    s.targetGroups + s.reservedTargetGroups + d.targetGroups <= TARGET_GROUPS_PER_ALB &&
    certificateRoom(s, d, s.reservedCertificates);
  const lowestFree = (s: Shard, n: number, taken: readonly number[] = []): number[] => {
    const out = [...taken];
    for (let p = 1; out.length < n; p++) if (!s.priorities.has(p) && !out.includes(p)) out.push(p);
    return out;
  };
  const take = (s: Shard, d: Demand, priorities: readonly number[]) => {
    s.services++;
    s.rules += d.rules;
    s.targetGroups += d.targetGroups;
    s.certificates += d.certificates;
    s.largestCertificates = Math.max(s.largestCertificates, d.certificates);
    for (const p of priorities) s.priorities.add(p);
  };
  const placementOf = (id: number, priorities: readonly number[]): Placement =>
    priorities.length > 1 ? { shard: id, priority: priorities[0]!, priorities: [...priorities] } : { shard: id, priority: priorities[0]! };

  const placements: Record<string, Placement> = {};
  const toPlace: Demand[] = [];
  // Pinned services first, as they are; services whose needs grew last, so they never take the
  // room of one that already had it.
  const pinned = (d: Demand) => !!previous[d.name]?.pinned;
  const grew = (d: Demand) => {
    const was = previous[d.name]?.cost;
    return !!was && (d.rules > was.rules || d.targetGroups > was.targetGroups || d.certificates > was.certificates);
  };
  for (const d of [...sorted.filter(pinned), ...sorted.filter((x) => !pinned(x) && !grew(x)), ...sorted.filter((x) => !pinned(x) && grew(x))]) {
    const found = previous[d.name];
    if (!found) {
      toPlace.push(d);
      continue;
    }
    const s = shard(found.shard);
    const had = prioritiesOf(found);
    if (found.pinned) {
      take(s, { ...d, ...found.cost, rules: had.length }, had);
      placements[d.name] = placementOf(found.shard, had);
      continue;
    }
    // A service with fewer rules than before keeps its first priorities; one with more adds the lowest free.
    const kept = had.slice(0, d.rules);
    if (keeps(s, d) && kept.every((p) => !s.priorities.has(p))) {
      const priorities = lowestFree(s, d.rules, kept);
      take(s, d, priorities);
      placements[d.name] = placementOf(found.shard, priorities);
    } else {
      toPlace.push(d);
    }
  }
  for (const d of toPlace) {
    let id = 0;
    while (!fits(shard(id), d)) id++;
    const s = shard(id);
    const priorities = lowestFree(s, d.rules);
    take(s, d, priorities);
    placements[d.name] = placementOf(id, priorities);
  }
  const usage = [...shards.entries()]
    .filter(([, s]) => s.services > 0)
    .sort(([a], [b]) => a - b)
    .map(([id, s]) => ({ id, services: s.services, rules: s.rules, targetGroups: s.targetGroups, certificates: s.certificates }));
  return { placements, shards: usage };
}
