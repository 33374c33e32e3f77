import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRuleClaim } from '../../src/estate/claims';
import { readLock } from '../../src/estate/lock';
import { EstateError } from '../../src/manifest/problems';
import { readAssembly } from '../support/cloudformation';
import { MINIMAL_ESTATE, webService, STAGING_ESTATE as STAGING } from '../support/estate-files';
import { EstateHistory } from '../support/history';

// One unprotected environment whose zone the foundation creates, and one protected with its own zone.
const PRODUCTION = MINIMAL_ESTATE.replace(/\n {2}staging:\n( {4}.*\n)+/, '\n');

const services = (...names: string[]) => Object.fromEntries(names.map((n) => [`services/${n}.yaml`, webService(n)]));
const withHostnames = (name: string, hostnames: string[]) => webService(name, hostnames.length ? `hostnames: [${hostnames.join(', ')}]\n` : '');
const placement = (plan: Awaited<ReturnType<EstateHistory['plan']>>, service: string) => {
  const s = plan.environments[0]!.services.find((x) => x.name === service)!;
  return { shard: s.shard, priority: s.priority };
};
const planProblems = (history: EstateHistory, options = {}) => history.problems(options);

describe('estate transitions, deployed over the previous plan', () => {
  it('1. a removed service keeps its rule priority until its removal is deployed', async () => {
    // GIVEN alpha, bravo and charlie deployed
    const history = new EstateHistory({ 'estate.yaml': STAGING, ...services('alpha', 'bravo', 'charlie') });
    const first = await history.step();
    expect(first.collisions).toEqual([]);
    const bravo = placement(first.plan, 'bravo');

    // WHEN bravo is removed and delta added in one change
    history.set('services/bravo.yaml', undefined).set('services/delta.yaml', webService('delta'));
    const second = await history.plan();

    // THEN delta does not get bravo's priority, the plan says what the deploy deletes, and the deploy collides with nothing
    expect(placement(second, 'delta')).not.toEqual(bravo);
    expect(second.changes.added).toEqual([{ environment: 'staging', service: 'delta', kind: 'web' }]);
    // (planned again before deploying, the change is the same: it is a change to what is deployed)
    expect((await history.plan()).changes).toEqual(second.changes);
    expect(second.changes.removed).toEqual([
      expect.objectContaining({
        stack: 'test-staging-bravo',
        service: 'bravo',
        step: 'remove',
        deletes: expect.arrayContaining([expect.stringMatching(/^stack test-staging-bravo \(its ECS service/), `listener rule priority ${bravo.priority} on load balancer shard 0`]),
        keeps: [],
      }),
    ]);
    expect(history.deploy(second)).toEqual([]);
    expect(history.world.stacks.has('test-staging-bravo')).toBe(false);

    // AND once the removal is deployed the lock forgets bravo, and its priority is free again
    expect(readLock(history.dir).lock.environments.staging!.services.bravo).toBeUndefined();
    history.set('services/echo.yaml', webService('echo'));
    const third = await history.step();
    expect(placement(third.plan, 'echo')).toEqual(bravo);
    expect(third.collisions).toEqual([]);
  });

  it('1b. a removal planned but not deployed is remembered by every later plan, and can be planned on its own', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, ...services('alpha', 'bravo') });
    await history.step();
    history.set('services/bravo.yaml', undefined);
    await history.plan();
    const again = await history.plan();
    expect(again.changes.removed).toEqual([expect.objectContaining({ service: 'bravo', step: 'remove' })]);
    expect(readLock(history.dir).lock.environments.staging!.services.bravo).toMatchObject({ removed: expect.any(String) });

    // A plan of another service leaves it as it is: it changes the lock only for what it plans.
    const before = readLock(history.dir).lock.environments.staging!;
    expect((await history.plan({ service: 'alpha' })).changes.removed).toEqual([]);
    expect(readLock(history.dir).lock.environments.staging!.services.bravo).toEqual(before.services.bravo);
    expect(readLock(history.dir).lock.environments.staging!.stacks['test-staging-bravo']).toEqual(before.stacks['test-staging-bravo']);

    // A plan of the removed service alone is its removal.
    const alone = await history.plan({ service: 'bravo' });
    expect(alone.stacks.map((s) => s.name)).toEqual(['test-staging-bravo']);
    expect(alone.changes.removed).toEqual([expect.objectContaining({ service: 'bravo', step: 'remove' })]);
    expect(history.deploy(alone)).toEqual([]);
    expect(readLock(history.dir).lock.environments.staging!.services.bravo).toBeUndefined();
  });

  it('2. a service that needs a certificate its shard has no room for moves with a new target group', async () => {
    // GIVEN a shard whose certificate slots are full, and mover on it without a certificate
    const files: Record<string, string> = { 'estate.yaml': STAGING, 'services/mover.yaml': webService('mover') };
    for (let i = 0; i < 24; i++) files[`services/s${i}.yaml`] = withHostnames(`s${i}`, [`s${i}.elsewhere.gov.uk`]);
    const history = new EstateHistory(files);
    const first = await history.step();
    expect(placement(first.plan, 'mover')).toEqual({ shard: 0, priority: 1 });

    // WHEN mover gains a hostname outside the wildcard
    history.set('services/mover.yaml', withHostnames('mover', ['mover.elsewhere.gov.uk']));
    const second = await history.plan();

    // THEN only mover moves, to a new shard, and its deploy never asks one target group to serve two load balancers
    const moved = [expect.objectContaining({ service: 'mover', from: expect.objectContaining({ shard: 0 }), to: expect.objectContaining({ shard: 1 }) })];
    expect(second.changes.moved).toEqual(moved);
    // AND every plan says so until a deploy has made the move
    expect((await history.plan()).changes.moved).toEqual(moved);
    expect(history.deploy(second)).toEqual([]);
    expect((await history.plan()).changes.moved).toEqual([]);

    // AND its old priority on shard 0 was held until that deploy, and is free now
    history.set('services/newcomer.yaml', webService('newcomer'));
    expect(placement((await history.step()).plan, 'newcomer')).toEqual({ shard: 0, priority: 1 });

    // AND when mover goes, its shard goes after it
    history.set('services/mover.yaml', undefined);
    const last = await history.plan();
    expect(last.changes.order).toContainEqual(expect.objectContaining({ stack: 'test-staging-ingress-1', after: 'test-staging-mover' }));
    expect(history.deploy(last)).toEqual([]);
    expect([...history.world.stacks.keys()].filter((s) => s.includes('ingress'))).toEqual(['test-staging-ingress-0']);
  });

  it('3. a hostname moved between services is deployed in the order that frees it first', async () => {
    // GIVEN zeta holds shared.staging.example.gov.uk
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/alpha.yaml': webService('alpha'), 'services/zeta.yaml': withHostnames('zeta', ['shared.staging.example.gov.uk']) });
    await history.step();

    // WHEN it moves to alpha
    history.set('services/zeta.yaml', webService('zeta')).set('services/alpha.yaml', withHostnames('alpha', ['shared.staging.example.gov.uk']));

    // THEN alpha alone cannot be deployed first: the plan says to deploy zeta first
    const alone = await planProblems(history, { service: 'alpha' });
    expect(alone).toEqual([
      expect.objectContaining({
        file: 'services/alpha.yaml',
        field: 'hostnames',
        message: expect.stringContaining('--env staging --service zeta'),
      }),
    ]);

    // AND a plan of the environment orders zeta before alpha, and deploys without a collision
    const plan = await history.plan();
    expect(plan.changes.order).toEqual([
      expect.objectContaining({ stack: 'test-staging-alpha', after: 'test-staging-zeta', reason: expect.stringContaining('shared.staging.example.gov.uk') }),
    ]);
    expect(history.deploy(plan)).toEqual([]);
  });

  it('3b. two services swapping hostnames in one change are told to do it in two plans', async () => {
    const history = new EstateHistory({
      'estate.yaml': STAGING,
      'services/alpha.yaml': withHostnames('alpha', ['one.staging.example.gov.uk']),
      'services/zeta.yaml': withHostnames('zeta', ['two.staging.example.gov.uk']),
    });
    await history.step();
    history.set('services/alpha.yaml', withHostnames('alpha', ['two.staging.example.gov.uk']));
    history.set('services/zeta.yaml', withHostnames('zeta', ['one.staging.example.gov.uk']));
    const problems = await planProblems(history);
    expect(problems).toEqual([expect.objectContaining({ field: 'hostnames', message: expect.stringMatching(/cannot be deployed in any order.*two plans/) })]);
  });

  it('4. a zone the foundation creates exists before anything waits on DNS validation', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, ...services('alpha') });
    const plan = await history.plan();
    const assembly = readAssembly(plan.assembly);
    const foundation = assembly.get('test-staging-foundation')!;
    const types = Object.values(foundation.template.Resources ?? {}).map((r) => r.Type);
    expect(types).toContain('AWS::Route53::HostedZone');
    expect(types).not.toContain('AWS::CertificateManager::Certificate');
    expect(assembly.get('test-staging-certificate')!.dependencies).toEqual(['test-staging-foundation']);
    expect(assembly.get('test-staging-ingress-0')!.dependencies).toEqual(['test-staging-certificate']);
    expect(plan.environments[0]!.createsZone).toBe(true);
  });

  it('re-adds a service removed from a protected environment beside what its first life left behind', async () => {
    // GIVEN alpha deployed in a protected environment, then removed
    const history = new EstateHistory({ 'estate.yaml': PRODUCTION, ...services('alpha', 'bravo') });
    await history.step();
    history.set('services/alpha.yaml', undefined);
    const removal = await history.plan();
    expect(removal.changes.removed).toEqual([
      expect.objectContaining({ service: 'alpha', step: 'remove', keeps: ['log group /cityplan/test/production/alpha', 'any bucket of its own, with its objects'] }),
    ]);
    expect(removal.changes.flags).toContainEqual(expect.stringContaining('--allow-removal'));
    expect(history.deploy(removal)).toEqual([]);
    expect(readLock(history.dir).lock.environments.production!.retained).toEqual([
      expect.objectContaining({ claim: 'AWS::Logs::LogGroup /cityplan/test/production/alpha', service: 'alpha', incarnation: 1 }),
    ]);

    // WHEN alpha comes back
    history.set('services/alpha.yaml', webService('alpha'));
    const readd = await history.plan();

    // THEN it is its second life, whose log group does not collide with the first one's
    expect(readd.changes.added).toEqual([{ environment: 'production', service: 'alpha', kind: 'web', incarnation: 2 }]);
    expect(readLock(history.dir).lock.environments.production!.stacks['test-production-alpha']!.claims).toContain(
      'AWS::Logs::LogGroup /cityplan/test/production/alpha/2',
    );
    expect(history.deploy(readd)).toEqual([]);
  });

  it('lifts a protected shard’s deletion protection before it removes it', async () => {
    // GIVEN 25 services with certificates: the last by name, zeta, alone on shard 1
    const files: Record<string, string> = { 'estate.yaml': PRODUCTION, 'services/zeta.yaml': withHostnames('zeta', ['zeta.elsewhere.gov.uk']) };
    for (let i = 0; i < 24; i++) files[`services/s${i}.yaml`] = withHostnames(`s${i}`, [`s${i}.elsewhere.gov.uk`]);
    const history = new EstateHistory(files);
    const first = await history.step();
    expect(first.collisions).toEqual([]);
    expect(placement(first.plan, 'zeta').shard).toBe(1);

    // WHEN zeta is removed, the shard leaves in two deploys: deletion protection lifted, then removed
    history.set('services/zeta.yaml', undefined);

    const unprotect = await history.plan();
    expect(unprotect.changes.removed).toContainEqual(expect.objectContaining({ stack: 'test-production-ingress-1', step: 'unprotect' }));
    expect(history.deploy(unprotect)).toEqual([]);

    const remove = await history.plan();
    expect(remove.changes.removed).toEqual([expect.objectContaining({ stack: 'test-production-ingress-1', step: 'remove' })]);
    expect(history.deploy(remove)).toEqual([]);
    expect(history.world.stacks.has('test-production-ingress-1')).toBe(false);
  });

  it('changes no resource when hostnames are reordered, and replaces none when one is dropped', async () => {
    const names = ['a.staging.example.gov.uk', 'b.staging.example.gov.uk', 'c.staging.example.gov.uk'];
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/alpha.yaml': withHostnames('alpha', names) });
    await history.step();
    const records = () => {
      const t = history.world.stacks.get('test-staging-alpha')!.template.Resources!;
      return Object.entries(t).filter(([, r]) => r.Type === 'AWS::Route53::RecordSet').map(([id, r]) => `${id} ${(r.Properties as { Name: string }).Name}`).sort();
    };
    const before = records();

    history.set('services/alpha.yaml', withHostnames('alpha', [...names].reverse()));
    expect((await history.step()).collisions).toEqual([]);
    expect(records()).toEqual(before);

    history.set('services/alpha.yaml', withHostnames('alpha', names.slice(1)));
    expect((await history.step()).collisions).toEqual([]);
    expect(records()).toEqual(before.filter((r) => !r.endsWith(' a.staging.example.gov.uk.')));
  });

  it('refuses a renamed estate and an environment moved to another account; flags one dropped', async () => {
    const history = new EstateHistory({ 'estate.yaml': MINIMAL_ESTATE, ...services('alpha') });
    await history.step();
    history.set('estate.yaml', MINIMAL_ESTATE.replace('name: test', 'name: tested').replace('"222222222222"', '"444444444444"'));
    expect(await planProblems(history)).toEqual([
      expect.objectContaining({ file: 'estate.yaml', field: 'name', message: expect.stringContaining("lock was written for estate 'test'") }),
      expect.objectContaining({ file: 'estate.yaml', field: 'environments.staging', message: expect.stringContaining('moved from account 222222222222') }),
    ]);
    history.set('estate.yaml', STAGING);
    const kept = readLock(history.dir).lock.environments.production;
    const plan = await history.plan();
    expect(plan.changes.flags).toEqual([expect.stringContaining('environment production is in the lock but not in estate.yaml')]);
    expect(plan.changes.removed).toEqual([]);
    // The dropped environment's record is kept exactly: nothing of it is marked for removal.
    expect(readLock(history.dir).lock.environments.production).toEqual(kept);
  });

  it('warns of a lost lock at every plan until a deploy settles it, and of a changed domain', async () => {
    // GIVEN an estate deployed from a git repository, whose lock then goes missing
    const history = new EstateHistory({ 'estate.yaml': STAGING, ...services('alpha') });
    await history.step();
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.gov.uk', ...args], { cwd: history.dir });
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'estate');
    history.set('cityplan.lock.json', undefined);

    // THEN every plan warns, naming the commit and how to restore it, until a deploy goes through
    for (let i = 0; i < 2; i++) {
      expect((await history.plan()).changes.flags).toEqual([expect.stringMatching(/started afresh, but git has an earlier one \(commit \w+\).*git -C .* checkout \w+ -- cityplan.lock.json/)]);
    }
    history.deploy(await history.plan());
    expect((await history.plan()).changes.flags).toEqual([]);

    // AND a new domain is flagged for what it replaces
    history.set('estate.yaml', STAGING.replace('domain: staging.example.gov.uk', 'domain: staging2.example.gov.uk'));
    expect((await history.plan()).changes.flags).toEqual([expect.stringContaining("staging's domain changes from staging.example.gov.uk to staging2.example.gov.uk")]);
  });

  it('lets environments share an account and region, but not a stack name', async () => {
    const shared = `${STAGING}  dev:\n    account: "222222222222"\n    domain: dev.example.gov.uk\n`;
    const history = new EstateHistory({ 'estate.yaml': shared, ...services('alpha', 'bravo') });
    expect((await history.step()).collisions).toEqual([]);

    // An environment c-a beside c: its service b's stack test-c-a-b is c's service a-b's too.
    const clashing = `${STAGING}  c:\n    account: "222222222222"\n    domain: c.example.gov.uk\n  c-a:\n    account: "222222222222"\n    domain: ca.example.gov.uk\n`;
    const clash = new EstateHistory({ 'estate.yaml': clashing, ...services('a-b', 'b') });
    expect(await planProblems(clash)).toEqual([
      expect.objectContaining({
        file: 'services/b.yaml',
        field: 'name',
        message: "its stack in environment c-a would be named test-c-a-b, the name of service a-b's stack in environment c; rename the service or an environment",
      }),
    ]);

    // An environment delivery-x: its service yz's stack test-delivery-x-yz is service x-yz's pipeline.
    const delivery = `${STAGING.replace(/^ {2}staging:/m, '  delivery-x:')}`.replace(/(connectionArn: .*)$/m, '$1\n  repo: example/estate');
    const pipelineClash = new EstateHistory({ 'estate.yaml': delivery, ...services('x-yz', 'yz') });
    expect(await planProblems(pipelineClash)).toEqual([
      expect.objectContaining({
        file: 'services/yz.yaml',
        field: 'name',
        message: "its stack in environment delivery-x would be named test-delivery-x-yz, the name of service x-yz's pipeline stack; rename the service or an environment",
      }),
    ]);
  });

  it('switches a worker’s queue to FIFO and back, each new queue created under its own name beside the old', async () => {
    const worker = (queue: string, extra = '') => `name: notify\nkind: worker\nimage: example/notify:1\nqueue: ${queue}\n${extra}`;
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/notify.yaml': worker('{}') });
    expect((await history.step()).collisions).toEqual([]);
    const queues = () =>
      Object.values(history.world.stacks.get('test-staging-notify')!.template.Resources!)
        .filter((r) => r.Type === 'AWS::SQS::Queue')
        .map((r) => r.Properties!.QueueName)
        .sort();
    expect(queues()).toEqual(['test-staging-notify', 'test-staging-notify_dlq']);

    history.set('services/notify.yaml', worker('{ fifo: true }'));
    expect((await history.step()).collisions).toEqual([]);
    expect(queues()).toEqual(['test-staging-notify.fifo', 'test-staging-notify_dlq.fifo']);

    history.set('services/notify.yaml', worker('{ fifo: false, maxReceives: 2 }'));
    expect((await history.step()).collisions).toEqual([]);
    expect(queues()).toEqual(['test-staging-notify', 'test-staging-notify_dlq']);
  });

  it('adds a topic and its subscriber in one plan, and removes both in another', async () => {
    const publisher = (topics: string) => webService('visits', `publish: [${topics}]\n`);
    const subscriber = 'name: notify\nkind: worker\nimage: example/notify:1\nsubscribe:\n  - service: visits\n    topic: visit-booked\n';
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/visits.yaml': publisher('') });
    await history.step();
    history.set('services/visits.yaml', publisher('visit-booked')).set('services/notify.yaml', subscriber);
    const both = await history.step();
    expect(both.collisions).toEqual([]);
    expect(readAssembly(both.plan.assembly).get('test-staging-notify')!.dependencies).toContain('test-staging-visits');
    history.set('services/visits.yaml', publisher('')).set('services/notify.yaml', undefined);
    expect((await history.step()).collisions).toEqual([]);
  });

  it('never collides, over random sequences of adds, removes and hostname moves, deployed or not', async () => {
    const names = ['alpha', 'bravo', 'charlie'];
    const hostnames = ['one.staging.example.gov.uk', 'two.staging.example.gov.uk', 'x.elsewhere.gov.uk'];
    // Each step: which services exist, who holds each hostname, and whether the plan is deployed.
    const step = fc.record({
      present: fc.subarray(names, { minLength: 1 }),
      owners: fc.tuple(...hostnames.map(() => fc.integer({ min: -1, max: names.length - 1 }))),
      deploy: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 2, maxLength: 4 }), async (steps) => {
        const history = new EstateHistory({ 'estate.yaml': STAGING });
        for (const s of steps) {
          for (const name of names) {
            const own = hostnames.filter((_, i) => s.owners[i] === names.indexOf(name));
            history.set(`services/${name}.yaml`, s.present.includes(name) ? withHostnames(name, own) : undefined);
          }
          let plan;
          try {
            plan = await history.plan();
          } catch (e) {
            // The one refusal a random change may earn: two services swapping names in one change.
            expect(e).toBeInstanceOf(EstateError);
            for (const p of (e as EstateError).problems) expect(p.message).toMatch(/cannot be deployed in any order/);
            continue;
          }
          // No two stacks may hold one priority on a shard, counting what removed or moved ones may still hold.
          const lock = readLock(history.dir).lock.environments.staging!;
          const rules = Object.values(lock.stacks).flatMap((st) => [...st.claims, ...(st.held ?? [])].map(parseRuleClaim).filter(Boolean));
          const keys = rules.map((r) => `${r!.shard}/${r!.priority}`);
          expect(new Set(keys).size, `rule priorities in ${JSON.stringify(lock.stacks)}`).toBe(keys.length);
          if (s.deploy) expect(history.deploy(plan)).toEqual([]);
        }
      }),
      { numRuns: 12 },
    );
  });
});
