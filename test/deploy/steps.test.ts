import { describe, expect, it } from 'vitest';
import type { StackPlan } from '../../src/estate/stack-plan';
import { AwaitsPipeline, SkipStack } from '../../src/deploy/order';
import { deploySteps } from '../../src/deploy/steps';

const service = (name: string) => ({ name, role: 'service', environment: 'staging', service: name, dependsOn: [] }) as unknown as StackPlan;

/** Deploys three services: `new` has no image yet, `worker` depends on it, `other` is given by the test. */
async function run(other: () => Promise<void>) {
  const said: string[] = [];
  const stopped = await deploySteps([service('new'), service('worker'), service('other')], {
    dependencies: new Map([['worker', ['new']]]),
    concurrency: 2,
    say: (t) => said.push(t),
    deploy: async (p) => {
      if (p.name === 'new') throw new AwaitsPipeline('new has no image yet: its pipeline deploys it once it has built one');
      if (p.name === 'other') await other();
    },
    explain: (e) => `failed: ${e.message}`,
  });
  return { stopped, said };
}

describe('deploy steps', () => {
  it("finishes when the only stacks left are a new service waiting for its pipeline's first image and those that depend on it", async () => {
    const { stopped, said } = await run(async () => {});
    expect(stopped).toBeUndefined();
    expect(said).toContain('  worker: skipped, as new did not deploy');
    expect(said.at(-1)).toMatch(/^2 stacks wait for a service pipeline's first image: new, worker\. /);
  });

  it('stops, naming every stack not deployed, when another stack was skipped for another reason', async () => {
    const { stopped } = await run(async () => {
      throw new SkipStack('other cannot be deployed yet');
    });
    expect(stopped).toBe('3 stacks were not deployed: other, new, worker (see above why); everything else was');
  });
});
