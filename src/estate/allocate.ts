/**
 * Places web services on load-balancer shards and gives each a listener-rule priority.
 * Existing placements never move to make room: a new service takes the first shard with room
 * and the lowest free priority there. Only a service whose own needs outgrow its shard moves.
 * A priority some stack may still hold (a removed service not yet deleted, a moved service not yet
 * deployed) is never given to another service: two rules cannot share a priority on a listener.
 */
import type { Placement } from './lock';

/** 100 target groups per ALB is a hard limit and 100 rules the default; 5 are kept in reserve. */
export const SERVICES_PER_SHARD = 95;
/**
 * Target groups one ALB can serve (a hard quota). Services still held on a shard while their
 * removal or move is deployed use the reserve between this and SERVICES_PER_SHARD.
 */
export const TARGET_GROUPS_PER_ALB = 100;
/**
 * SNI certificates placed per ALB: the quota is 25 (the default certificate not counted), and one
 * slot is kept free because replacing a service's certificate attaches the new one before the old
 * one is detached (stacks deploy one at a time, so one free slot is enough).
 */
export const CERTIFICATES_PER_SHARD = 24;

export interface Demand {
  readonly name: string;
  /** Whether the service brings an SNI certificate of its own (hostnames the wildcard does not cover). */
  readonly needsCertificate: boolean;
}

/** A rule priority (and its target group, and maybe a certificate) that a deployed stack may still hold. */
export interface Reservation {
  readonly shard: number;
  readonly priority: number;
  readonly certificate: boolean;
}

export interface ShardUsage {
  readonly id: number;
  readonly services: number;
  readonly certificates: number;
}

interface Shard {
  services: number;
  certificates: number;
  reserved: number;
  reservedCertificates: number;
  priorities: Set<number>;
}

/** A placement from the lock, and whether the service had a certificate of its own there. */
export interface PreviousPlacement extends Placement {
  /** Undefined when the lock does not know (version 1): taken to be what the service needs now. */
  readonly certificate?: boolean;
  /** Kept as it is, whatever the service needs now: this plan does not rebuild its stack. */
  readonly pinned?: boolean;
}

/**
 * @param previous placements from the lock, kept wherever they still fit
 * @param demands every web service of the environment (any order: the result does not depend on it)
 * @param reserved priorities held by stacks on their way out; they occupy their slot until released
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
    if (!s) shards.set(id, (s = { services: 0, certificates: 0, reserved: 0, reservedCertificates: 0, priorities: new Set() }));
    return s;
  };
  for (const r of reserved) {
    const s = shard(r.shard);
    if (s.priorities.has(r.priority)) continue;
    s.priorities.add(r.priority);
    s.reserved++;
    if (r.certificate) s.reservedCertificates++;
  }
  // A kept service is deployed already: only the services beside it count against it.
  const keeps = (s: Shard, d: Demand) =>
    s.services < SERVICES_PER_SHARD && (!d.needsCertificate || s.certificates < CERTIFICATES_PER_SHARD);
  // A new one must also leave room for everything still held there.
  const fits = (s: Shard, d: Demand) =>
    keeps(s, d) &&
    s.services + s.reserved < TARGET_GROUPS_PER_ALB &&
    (!d.needsCertificate || s.certificates + s.reservedCertificates < CERTIFICATES_PER_SHARD);
  const take = (s: Shard, d: Demand, priority: number) => {
    s.services++;
    if (d.needsCertificate) s.certificates++;
    s.priorities.add(priority);
  };

  const placements: Record<string, Placement> = {};
  const toPlace: Demand[] = [];
  // Pinned services first, as they are; services whose needs grew last, so they never take the
  // slot of one that already had it.
  const pinned = (d: Demand) => !!previous[d.name]?.pinned;
  const grew = (d: Demand) => d.needsCertificate && previous[d.name]?.certificate === false;
  for (const d of [...sorted.filter(pinned), ...sorted.filter((x) => !pinned(x) && !grew(x)), ...sorted.filter((x) => !pinned(x) && grew(x))]) {
    const found = previous[d.name];
    const kept = found && { shard: found.shard, priority: found.priority };
    const s = kept && shard(kept.shard);
    if (kept && s && (found.pinned || (keeps(s, d) && !s.priorities.has(kept.priority)))) {
      take(s, d, kept.priority);
      placements[d.name] = kept;
    } else {
      toPlace.push(d);
    }
  }
  for (const d of toPlace) {
    let id = 0;
    while (!fits(shard(id), d)) id++;
    const s = shard(id);
    let priority = 1;
    while (s.priorities.has(priority)) priority++;
    take(s, d, priority);
    placements[d.name] = { shard: id, priority };
  }
  const usage = [...shards.entries()]
    .filter(([, s]) => s.services > 0)
    .sort(([a], [b]) => a - b)
    .map(([id, s]) => ({ id, services: s.services, certificates: s.certificates }));
  return { placements, shards: usage };
}
