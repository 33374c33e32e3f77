/**
 * Places web services on load-balancer shards and gives each a listener-rule priority.
 * Existing placements never move to make room: a new service takes the first shard with room
 * and the lowest free priority there. Only a service whose own needs outgrow its shard moves.
 */
import type { Placement } from './lock';

/** 100 target groups per ALB is a hard limit and 100 rules the default; 5 are kept in reserve. */
export const SERVICES_PER_SHARD = 95;
/** SNI certificates per ALB (the default certificate does not count). */
export const CERTIFICATES_PER_SHARD = 25;

export interface Demand {
  readonly name: string;
  /** Whether the service brings an SNI certificate of its own (hostnames the wildcard does not cover). */
  readonly needsCertificate: boolean;
}

export interface ShardUsage {
  readonly id: number;
  readonly services: number;
  readonly certificates: number;
}

interface Shard {
  services: number;
  certificates: number;
  priorities: Set<number>;
}

export function allocate(
  previous: Readonly<Record<string, Placement>>,
  demands: readonly Demand[],
): { placements: Record<string, Placement>; shards: ShardUsage[] } {
  const sorted = [...demands].sort((a, b) => a.name.localeCompare(b.name));
  const shards = new Map<number, Shard>();
  const shard = (id: number) => {
    let s = shards.get(id);
    if (!s) shards.set(id, (s = { services: 0, certificates: 0, priorities: new Set() }));
    return s;
  };
  const fits = (s: Shard, d: Demand) =>
    s.services < SERVICES_PER_SHARD && (!d.needsCertificate || s.certificates < CERTIFICATES_PER_SHARD);
  const take = (s: Shard, d: Demand, priority: number) => {
    s.services++;
    if (d.needsCertificate) s.certificates++;
    s.priorities.add(priority);
  };

  const placements: Record<string, Placement> = {};
  const toPlace: Demand[] = [];
  for (const d of sorted) {
    const kept = previous[d.name];
    const s = kept && shard(kept.shard);
    if (kept && s && fits(s, d) && !s.priorities.has(kept.priority)) {
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
