import { describe, expect, it } from 'vitest';
import { parseRuleClaim } from '../../src/estate/claims';
import { readLock } from '../../src/estate/lock';
import { webService, STAGING_ESTATE as STAGING } from '../support/estate-files';
import { EstateHistory } from '../support/history';

// One unprotected environment whose zone the foundation creates.

const hosts = (n: number) => Array.from({ length: n }, (_, i) => `h${i}.staging.example.gov.uk`);
const service = (name: string, hostnames: string[], strategy?: string) =>
  webService(name, `${hostnames.length ? `hostnames: [${hostnames.join(', ')}]\n` : ''}${strategy ? `deploy:\n  strategy: ${strategy}\n` : ''}`);
const placed = (plan: Awaited<ReturnType<EstateHistory['plan']>>, name: string) => {
  const s = plan.environments[0]!.services.find((x) => x.name === name)!;
  return { shard: s.shard, priorities: s.priorities };
};
const rulesHeld = (dir: string) => {
  const env = readLock(dir).lock.environments.staging!;
  return Object.values(env.stacks).flatMap((st) => [...st.claims, ...(st.held ?? [])].map(parseRuleClaim).filter(Boolean).map((r) => `${r!.shard}/${r!.priority}`));
};

describe('shard budget transitions, deployed over the previous plan', () => {
  it('a service switching from rolling to blue-green gains a target group, keeps its rule, and deploys without a collision', async () => {
    // GIVEN alpha and bravo deployed rolling
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/alpha.yaml': service('alpha', []), 'services/bravo.yaml': service('bravo', []) });
    const first = await history.step();
    expect(first.collisions).toEqual([]);
    const before = placed(first.plan, 'alpha');

    // WHEN alpha switches to blue-green
    history.set('services/alpha.yaml', service('alpha', [], 'blue-green'));
    const second = await history.plan();

    // THEN it keeps its shard and rule, costs its shard a second target group, and the plan shows the change until deployed
    expect(placed(second, 'alpha')).toEqual(before);
    expect(second.environments[0]!.shards).toEqual([{ id: 0, services: 2, rules: 2, targetGroups: 3, certificates: 0 }]);
    const moved = [expect.objectContaining({ service: 'alpha', from: expect.not.objectContaining({ strategy: expect.anything() }), to: expect.objectContaining({ strategy: 'blue-green' }) })];
    expect(second.changes.moved).toEqual(moved);
    expect(readLock(history.dir).lock.environments.staging!.services.alpha).toMatchObject({ strategy: 'blue-green' });
    // Nothing was shifted yet: switching to blue-green rewrites no weights ECS set.
    expect(second.changes.flags).toEqual([]);
    expect(history.deploy(second)).toEqual([]);
    const world = history.world.stacks.get('test-staging-alpha')!.template.Resources!;
    expect(Object.values(world).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')).toHaveLength(2);

    // AND once deployed nothing is left to move; switching back is flagged, for ECS may have left traffic on the second group
    expect((await history.plan()).changes.moved).toEqual([]);
    history.set('services/alpha.yaml', service('alpha', []));
    const back = await history.plan();
    expect(back.changes.flags).toEqual([expect.stringMatching(/^alpha \(staging\) was deployed blue-green: .* rewrites its listener rule/)]);
    expect(history.deploy(back)).toEqual([]);
  });

  it('a service growing from 2 to 8 hostnames keeps its rule and adds one, never at a priority another deploy may hold', async () => {
    // GIVEN alpha with 2 hostnames (one rule) and bravo deployed
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/alpha.yaml': service('alpha', hosts(2)), 'services/bravo.yaml': service('bravo', []) });
    const first = await history.step();
    expect(first.collisions).toEqual([]);
    expect(placed(first.plan, 'alpha')).toEqual({ shard: 0, priorities: [1] });

    // WHEN it grows to 8 (9 names with its own: two rules)
    history.set('services/alpha.yaml', service('alpha', hosts(8)));
    const grown = await history.plan();

    // THEN it keeps priority 1 and takes the lowest free one, without moving bravo
    expect(placed(grown, 'alpha')).toEqual({ shard: 0, priorities: [1, 3] });
    expect(placed(grown, 'bravo')).toEqual(placed(first.plan, 'bravo'));
    expect(grown.changes.moved).toEqual([expect.objectContaining({ service: 'alpha', from: expect.objectContaining({ priority: 1 }), to: expect.objectContaining({ priority: 1, priorities: [1, 3] }) })]);
    expect(readLock(history.dir).lock.environments.staging!.services.alpha).toMatchObject({ priority: 1, priorities: [1, 3] });
    expect(history.deploy(grown)).toEqual([]);
    expect(Object.values(history.world.stacks.get('test-staging-alpha')!.template.Resources!).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')).toHaveLength(2);

    // AND when it shrinks back, its second priority stays held until that deploy: a newcomer planned before it does not get it
    history.set('services/alpha.yaml', service('alpha', hosts(2)));
    const shrunk = await history.plan();
    expect(placed(shrunk, 'alpha')).toEqual({ shard: 0, priorities: [1] });
    history.set('services/charlie.yaml', service('charlie', []));
    const newcomer = await history.plan();
    expect(placed(newcomer, 'charlie').priorities).not.toContain(3);
    const held = rulesHeld(history.dir);
    expect(new Set(held).size, `rule priorities ${held}`).toBe(held.length);
    expect(history.deploy(newcomer)).toEqual([]);

    // AND once deployed, 3 is free again
    history.set('services/delta.yaml', service('delta', []));
    expect(placed((await history.step()).plan, 'delta')).toEqual({ shard: 0, priorities: [3] });
  });
});
