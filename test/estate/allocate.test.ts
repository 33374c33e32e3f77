import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate, CERTIFICATES_PER_SHARD, type Demand, type PreviousPlacement, SERVICES_PER_SHARD } from '../../src/estate/allocate';
import type { Placement } from '../../src/estate/lock';

const demands = (n: number, needsCertificate = (_i: number) => false): Demand[] =>
  Array.from({ length: n }, (_, i) => ({ name: `s${String(i).padStart(4, '0')}`, needsCertificate: needsCertificate(i) }));

function assertWithinLimits(placements: Record<string, Placement>, all: readonly Demand[]): void {
  const byShard = new Map<number, { services: number; certificates: number; priorities: Set<number> }>();
  for (const d of all) {
    const p = placements[d.name]!;
    const s = byShard.get(p.shard) ?? { services: 0, certificates: 0, priorities: new Set<number>() };
    byShard.set(p.shard, s);
    expect(s.priorities.has(p.priority), `priority ${p.priority} used twice on shard ${p.shard}`).toBe(false);
    s.priorities.add(p.priority);
    s.services++;
    if (d.needsCertificate) s.certificates++;
  }
  for (const s of byShard.values()) {
    expect(s.services).toBeLessThanOrEqual(SERVICES_PER_SHARD);
    expect(s.certificates).toBeLessThanOrEqual(CERTIFICATES_PER_SHARD);
  }
}

describe('allocate', () => {
  it('fills shard 0 with 95 services before opening shard 1', () => {
    const { placements, shards } = allocate({}, demands(200));
    expect(shards).toEqual([
      { id: 0, services: 95, certificates: 0 },
      { id: 1, services: 95, certificates: 0 },
      { id: 2, services: 10, certificates: 0 },
    ]);
    expect(placements.s0000).toEqual({ shard: 0, priority: 1 });
    expect(placements.s0095).toEqual({ shard: 1, priority: 1 });
  });

  it('opens a new shard when SNI certificate slots run out, even with service room left', () => {
    const { shards } = allocate({}, demands(30, () => true));
    // 24 of an ALB's 25 slots: one stays free for a certificate being replaced.
    expect(shards).toEqual([
      { id: 0, services: 24, certificates: 24 },
      { id: 1, services: 6, certificates: 6 },
    ]);
  });

  it('gives a new service a freed priority without moving anyone', () => {
    const first = allocate({}, demands(3)).placements;
    const { s0001: _removed, ...rest } = first;
    const second = allocate(rest, [...demands(3).filter((d) => d.name !== 's0001'), { name: 'new', needsCertificate: false }]).placements;
    expect(second.s0000).toEqual(first.s0000);
    expect(second.s0002).toEqual(first.s0002);
    expect(second.new).toEqual({ shard: 0, priority: 2 });
  });

  it('moves only the service whose own certificate no longer fits its shard', () => {
    const base = demands(25, (i) => i < CERTIFICATES_PER_SHARD);
    const first = allocate({}, base).placements;
    expect(first.s0024!.shard).toBe(0);
    const grown = base.map((d) => (d.name === 's0024' ? { ...d, needsCertificate: true } : d));
    const second = allocate(first, grown).placements;
    expect(second.s0024!.shard).toBe(1);
    for (const d of base.slice(0, CERTIFICATES_PER_SHARD)) expect(second[d.name]).toEqual(first[d.name]);
  });

  it('is deterministic whatever order services arrive in', () => {
    const list = demands(150, (i) => i % 4 === 0);
    expect(allocate({}, [...list].reverse())).toEqual(allocate({}, list));
  });

  it('never moves an existing entry but one whose own certificate no longer fits, and never exceeds a shard, over random add/remove sequences', () => {
    const step = fc.record({
      add: fc.array(fc.record({ id: fc.integer({ min: 0, max: 399 }), cert: fc.boolean() }), { maxLength: 60 }),
      remove: fc.array(fc.integer({ min: 0, max: 399 }), { maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 12 }), (steps) => {
        // The lock, as allocation.ts passes it: each placement with whether the service had a certificate.
        let lock: Record<string, PreviousPlacement> = {};
        const present = new Map<string, Demand>();
        for (const { add, remove } of steps) {
          for (const r of remove) present.delete(`s${r}`);
          // Removed and added back in one step, a service keeps its entry and may now need a certificate.
          for (const a of add) if (!present.has(`s${a.id}`)) present.set(`s${a.id}`, { name: `s${a.id}`, needsCertificate: a.cert });
          const all = [...present.values()];
          const next = allocate(
            Object.fromEntries(Object.entries(lock).filter(([name]) => present.has(name))),
            all,
          ).placements;
          for (const d of all) {
            const before = lock[d.name];
            const grew = before && !before.certificate && d.needsCertificate;
            if (before && !grew) expect(next[d.name]).toEqual({ shard: before.shard, priority: before.priority });
          }
          expect(Object.keys(next).sort()).toEqual(all.map((d) => d.name).sort());
          assertWithinLimits(next, all);
          lock = Object.fromEntries(all.map((d) => [d.name, { ...next[d.name]!, certificate: d.needsCertificate }]));
        }
      }),
      { numRuns: 200 },
    );
  });
});
