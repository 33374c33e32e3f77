import { describe, expect, it } from 'vitest';
import { selectEnvironments } from '../../src/deploy/approval';
import { groupSteps, runStep, SkipStack, type StackOutcome } from '../../src/deploy/order';
import type { StackPlan } from '../../src/estate/stack-plan';
import type { EnvironmentSpec } from '../../src/manifest/spec';

const plan = (name: string, role: StackPlan['role'], extra: Partial<StackPlan> = {}): StackPlan => ({ name, role, environment: 'staging', dependsOn: [], ...extra });

describe('the order of a deploy', () => {
  it('puts foundations and the delivery stack first, shards before services, pipelines after every service, and shards leaving last', () => {
    const steps = groupSteps([
      plan('svc', 'service'),
      plan('gone-shard', 'removal'),
      plan('gone-svc', 'removal', { service: 'x' }),
      plan('ingress-0', 'ingress'),
      plan('retiring', 'ingress', { retiring: true }),
      plan('pipe', 'pipeline'),
      plan('cert', 'certificate'),
      plan('delivery', 'delivery'),
      plan('foundation', 'foundation'),
    ]);
    expect(steps.map((s) => s.map((p) => p.name))).toEqual([
      ['delivery', 'foundation'],
      ['cert'],
      ['ingress-0'],
      ['svc', 'gone-svc'],
      // A pipeline's first run deploys its service: never while this deploy still deploys services.
      ['pipe'],
      ['gone-shard', 'retiring'],
    ]);
  });

  it('runs at most `concurrency` at once, each after its dependencies, and skips what depends on a failure or a skip', async () => {
    // GIVEN a calls b, c fails, d needs c, e is skipped, f needs e
    const deps = new Map<string, string[]>([['a', ['b']], ['d', ['c']], ['f', ['e']]]);
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const done = new Map<string, StackOutcome>();
    const skipped: string[] = [];
    await runStep(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
      deps,
      2,
      async (name) => {
        started.push(name);
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (name === 'c') throw new Error('c failed');
        if (name === 'e') throw new SkipStack('no image yet');
      },
      done,
      (name, because) => skipped.push(`${name}: ${because}`),
    );
    expect(most).toBe(2);
    expect(started.indexOf('b')).toBeLessThan(started.indexOf('a'));
    expect(started).not.toContain('d');
    expect(Object.fromEntries(done)).toEqual({ a: 'deployed', b: 'deployed', c: 'failed', d: 'skipped', e: 'skipped', f: 'skipped', g: 'deployed' });
    expect(skipped.sort()).toEqual(['d: c', 'e: no image yet', 'f: e']);
  });
});

describe('the environments one deploy run takes', () => {
  const env = (name: string, approval = false) => ({ name, approval }) as EnvironmentSpec;
  it('stops before the first environment with an approval, unless one is named', () => {
    const envs = [env('dev'), env('staging'), env('production', true), env('dr')];
    expect(selectEnvironments(envs)).toEqual({ deploy: ['dev', 'staging'], held: { environment: 'production', after: ['dr'] } });
    expect(selectEnvironments(envs, 'production')).toEqual({ deploy: ['production'] });
    expect(selectEnvironments([env('dev'), env('staging')])).toEqual({ deploy: ['dev', 'staging'] });
  });
});
