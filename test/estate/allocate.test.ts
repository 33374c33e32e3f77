import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocate,
  CERTIFICATES_PER_ALB,
  CERTIFICATES_PER_SHARD,
  type Demand,
  type PreviousPlacement,
  type Reservation,
  RULES_PER_ALB,
  RULES_PER_SHARD,
  SERVICES_PER_SHARD,
  TARGET_GROUPS_PER_ALB,
  TARGET_GROUPS_PER_SHARD,
} from '../../src/estate/allocate';
import { type Placement, prioritiesOf } from '../../src/estate/lock';

const plain = { rules: 1, targetGroups: 1, certificates: 0 };
const name = (i: number) => `s${String(i).padStart(4, '0')}`;
const demands = (n: number, needsCertificate = (_i: number) => false): Demand[] =>
  Array.from({ length: n }, (_, i) => ({ name: name(i), ...plain, certificates: needsCertificate(i) ? 1 : 0 }));

/** Every shard within its placed budget and its ALB quotas (counting what is reserved), every priority once per shard. */
function assertWithinLimits(placements: Record<string, Placement>, all: readonly Demand[], reserved: readonly Reservation[] = []): void {
  const byShard = new Map<number, { rules: number; targetGroups: number; certificates: number; largest: number; priorities: Set<number> }>();
  const of = (id: number) => {
    let s = byShard.get(id);
    if (!s) byShard.set(id, (s = { rules: 0, targetGroups: 0, certificates: 0, largest: 0, priorities: new Set<number>() }));
    return s;
  };
  for (const d of all) {
    const p = placements[d.name]!;
    const s = of(p.shard);
    const priorities = prioritiesOf(p);
    expect(priorities, `${d.name} needs ${d.rules} rules`).toHaveLength(d.rules);
    for (const q of priorities) {
      expect(s.priorities.has(q), `priority ${q} used twice on shard ${p.shard}`).toBe(false);
      s.priorities.add(q);
    }
    s.rules += d.rules;
    s.targetGroups += d.targetGroups;
    s.certificates += d.certificates;
    s.largest = Math.max(s.largest, d.certificates);
  }
  for (const r of reserved) {
    for (const q of r.priorities) expect(byShard.get(r.shard)?.priorities.has(q) ?? false, `held priority ${q} on shard ${r.shard} reused`).toBe(false);
  }
  for (const s of byShard.values()) {
    expect(s.rules).toBeLessThanOrEqual(RULES_PER_SHARD);
    expect(s.targetGroups).toBeLessThanOrEqual(TARGET_GROUPS_PER_SHARD);
    expect(s.rules).toBeLessThanOrEqual(RULES_PER_ALB);
    expect(s.targetGroups).toBeLessThanOrEqual(TARGET_GROUPS_PER_ALB);
    // Slots stay free for the largest certificate replacement any one service can make.
    if (s.certificates > 0) expect(s.certificates + Math.max(1, s.largest)).toBeLessThanOrEqual(CERTIFICATES_PER_ALB);
  }
}

describe('allocate', () => {
  it('fills shard 0 with 95 plain services before opening shard 1', () => {
    const { placements, shards } = allocate({}, demands(200));
    expect(shards).toEqual([
      { id: 0, services: 95, rules: 95, targetGroups: 95, certificates: 0 },
      { id: 1, services: 95, rules: 95, targetGroups: 95, certificates: 0 },
      { id: 2, services: 10, rules: 10, targetGroups: 10, certificates: 0 },
    ]);
    expect(SERVICES_PER_SHARD).toBe(95);
    expect(placements.s0000).toEqual({ shard: 0, priority: 1 });
    expect(placements.s0095).toEqual({ shard: 1, priority: 1 });
  });

  it('counts rules and target groups, not services: a service with two groups and three rules costs its shard that much', () => {
    // 40 blue-green services (2 target groups each) fill 80 of the 95 target groups; 15 more plain ones fill the rest.
    const blueGreen = Array.from({ length: 40 }, (_, i) => ({ name: `bg${String(i).padStart(2, '0')}`, rules: 1, targetGroups: 2, certificates: 0 }));
    const many = Array.from({ length: 20 }, (_, i) => ({ name: `p${String(i).padStart(2, '0')}`, ...plain }));
    const { shards } = allocate({}, [...blueGreen, ...many]);
    expect(shards[0]).toEqual({ id: 0, services: 55, rules: 55, targetGroups: 95, certificates: 0 });
    expect(shards[1]).toEqual({ id: 1, services: 5, rules: 5, targetGroups: 5, certificates: 0 });

    const hosts = allocate({}, [{ name: 'a', rules: 3, targetGroups: 1, certificates: 0 }, { name: 'b', ...plain }]).placements;
    expect(hosts.a).toEqual({ shard: 0, priority: 1, priorities: [1, 2, 3] });
    expect(hosts.b).toEqual({ shard: 0, priority: 4 });
  });

  it('opens a new shard when SNI certificate slots run out, even with service room left', () => {
    const { shards } = allocate({}, demands(30, () => true));
    // 24 of an ALB's 25 slots: one stays free for a certificate being replaced.
    expect(shards).toEqual([
      { id: 0, services: 24, rules: 24, targetGroups: 24, certificates: CERTIFICATES_PER_SHARD },
      { id: 1, services: 6, rules: 6, targetGroups: 6, certificates: 6 },
    ]);
  });

  it('keeps as many certificate slots free as the most one service on the shard has', () => {
    // A service with 3 certificates (21 to 30 names outside the wildcard) may replace all 3 at once.
    const { shards } = allocate({}, [{ name: 'big', rules: 7, targetGroups: 1, certificates: 3 }, ...demands(30, () => true)]);
    expect(shards[0]!.certificates).toBe(CERTIFICATES_PER_ALB - 3);
  });

  it('gives a new service a freed priority without moving anyone', () => {
    const first = allocate({}, demands(3)).placements;
    const { s0001: _removed, ...rest } = first;
    const second = allocate(rest, [...demands(3).filter((d) => d.name !== 's0001'), { name: 'new', ...plain }]).placements;
    expect(second.s0000).toEqual(first.s0000);
    expect(second.s0002).toEqual(first.s0002);
    expect(second.new).toEqual({ shard: 0, priority: 2 });
  });

  it('never gives a held priority to anyone, and counts what is held against the ALB quotas', () => {
    const held: Reservation[] = [{ shard: 0, priorities: [1, 2], targetGroups: 2, certificates: 0 }];
    const { placements } = allocate({}, [{ name: 'a', rules: 2, targetGroups: 1, certificates: 0 }], held);
    expect(placements.a).toEqual({ shard: 0, priority: 3, priorities: [3, 4] });
    // A shard at 95 plain services with 5 rules still held has no room for a new one.
    const full = Object.fromEntries(demands(95).map((d, i) => [d.name, { shard: 0, priority: i + 1, cost: plain }]));
    const busy = allocate(full, [...demands(95), { name: 'late', ...plain }], [{ shard: 0, priorities: [96, 97, 98, 99, 100], targetGroups: 5, certificates: 0 }]);
    expect(busy.placements.late!.shard).toBe(1);
  });

  it('keeps a service whose hostnames grew where it is, adding the lowest free priorities', () => {
    const first = allocate({}, demands(3)).placements;
    const previous = Object.fromEntries(Object.entries(first).map(([n, p]) => [n, { ...p, cost: plain }]));
    const grown = demands(3).map((d) => (d.name === 's0000' ? { ...d, rules: 2 } : d));
    const second = allocate(previous, grown).placements;
    expect(second.s0000).toEqual({ shard: 0, priority: 1, priorities: [1, 4] });
    expect(second.s0001).toEqual(first.s0001);
    // And back: it keeps its first rule's priority.
    const third = allocate({ ...previous, s0000: { ...second.s0000!, cost: { ...plain, rules: 2 } } }, demands(3)).placements;
    expect(third.s0000).toEqual({ shard: 0, priority: 1 });
  });

  it('moves a service whose second target group no longer fits its full shard, and only it', () => {
    const first = allocate({}, demands(95)).placements;
    const previous = Object.fromEntries(Object.entries(first).map(([n, p]) => [n, { ...p, cost: plain }]));
    const switched = demands(95).map((d) => (d.name === 's0042' ? { ...d, targetGroups: 2 } : d));
    const second = allocate(previous, switched).placements;
    expect(second.s0042).toEqual({ shard: 1, priority: 1 });
    for (const d of switched.filter((x) => x.name !== 's0042')) expect(second[d.name]).toEqual(first[d.name]);
  });

  it('moves only the service whose own certificate no longer fits its shard', () => {
    const base = demands(25, (i) => i < CERTIFICATES_PER_SHARD);
    const first = allocate({}, base).placements;
    expect(first.s0024!.shard).toBe(0);
    const previous = Object.fromEntries(base.map((d) => [d.name, { ...first[d.name]!, cost: { ...plain, certificates: d.certificates } }]));
    const grown = base.map((d) => (d.name === 's0024' ? { ...d, certificates: 1 } : d));
    const second = allocate(previous, grown).placements;
    expect(second.s0024!.shard).toBe(1);
    for (const d of base.slice(0, CERTIFICATES_PER_SHARD)) expect(second[d.name]).toEqual(first[d.name]);
  });

  it('is deterministic whatever order services arrive in', () => {
    const list = demands(150, (i) => i % 4 === 0).map((d, i) => ({ ...d, rules: 1 + (i % 3), targetGroups: 1 + (i % 2) }));
    expect(allocate({}, [...list].reverse())).toEqual(allocate({}, list));
  });

  it('never exceeds a shard, never reuses a held priority, moves only what grew out of its shard, and moves nothing on an unchanged re-plan, over random sequences of mixed costs', () => {
    const cost = fc.record({
      rules: fc.integer({ min: 1, max: 11 }),
      targetGroups: fc.integer({ min: 1, max: 2 }),
      certificates: fc.integer({ min: 0, max: 6 }),
    });
    const step = fc.record({
      add: fc.array(fc.record({ id: fc.integer({ min: 0, max: 299 }), cost }), { maxLength: 50 }),
      change: fc.array(fc.record({ id: fc.integer({ min: 0, max: 299 }), cost }), { maxLength: 10 }),
      remove: fc.array(fc.integer({ min: 0, max: 299 }), { maxLength: 30 }),
      // Whether the deploy of the previous step released what removed services held.
      deployed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 10 }), (steps) => {
        // The lock, as allocation.ts passes it: each placement with what the service cost there.
        let lock: Record<string, PreviousPlacement> = {};
        let held: Reservation[] = [];
        const present = new Map<string, Demand>();
        for (const { add, change, remove, deployed } of steps) {
          if (deployed) held = [];
          for (const r of remove) {
            const p = lock[`s${r}`];
            const d = present.get(`s${r}`);
            // A removal not yet deployed still holds its rules and target groups.
            if (p && d) held.push({ shard: p.shard, priorities: prioritiesOf(p), targetGroups: d.targetGroups, certificates: d.certificates });
            present.delete(`s${r}`);
            delete lock[`s${r}`];
          }
          for (const a of add) if (!present.has(`s${a.id}`)) present.set(`s${a.id}`, { name: `s${a.id}`, ...a.cost });
          for (const c of change) if (present.has(`s${c.id}`)) present.set(`s${c.id}`, { name: `s${c.id}`, ...c.cost });
          const all = [...present.values()];
          const { placements: next } = allocate(lock, all, held);
          expect(Object.keys(next).sort()).toEqual(all.map((d) => d.name).sort());
          assertWithinLimits(next, all, held);
          for (const d of all) {
            const before = lock[d.name];
            if (!before) continue;
            const grew = d.rules > before.cost!.rules || d.targetGroups > before.cost!.targetGroups || d.certificates > before.cost!.certificates;
            // Nothing moves to make room; a service that did not grow keeps its shard and first rules.
            if (!grew) {
              expect(next[d.name]!.shard).toBe(before.shard);
              expect(prioritiesOf(next[d.name]!)).toEqual(prioritiesOf(before).slice(0, d.rules));
            }
          }
          lock = Object.fromEntries(all.map((d) => [d.name, { ...next[d.name]!, cost: { rules: d.rules, targetGroups: d.targetGroups, certificates: d.certificates } }]));
          // Planned again with nothing changed, nothing moves.
          expect(allocate(lock, all, held).placements).toEqual(next);
        }
      }),
      { numRuns: 150 },
    );
  });
});
