import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planEstate } from '../../src/estate/plan';
import { generatedEstateFiles, webService, writeEstate } from '../support/estate-files';

describe('plan --service', () => {
  it('builds one stack, and says when the service needs a shard that is not deployed yet', async () => {
    // GIVEN a planned single-environment estate whose first shard is full
    const dir = writeEstate(generatedEstateFiles(95, 1));
    const out = (name: string) => join(mkdtempSync(join(tmpdir(), 'cityplan-svc-')), name);
    await planEstate(dir, { out: out('full') });

    // WHEN a new service is planned on its own
    writeFileSync(join(dir, 'services', 'newcomer.yaml'), webService('newcomer'));
    const plan = await planEstate(dir, { service: 'newcomer', out: out('one') });

    // THEN only its stack is built, on a new shard, and the plan says to deploy the environment first
    expect(plan.stacks.map((s) => s.name)).toEqual(['test-staging-newcomer']);
    expect(plan.environments[0]!.services).toEqual([
      expect.objectContaining({
        name: 'newcomer',
        shard: 1,
        priority: 1,
        note: 'load balancer shard 1 is new: plan and deploy staging without --service first',
      }),
    ]);

    // AND once the environment is planned, a one-service plan of an existing service has no such note
    await planEstate(dir, { out: out('full-again') });
    const again = await planEstate(dir, { service: 'newcomer', out: out('again') });
    expect(again.environments[0]!.services[0]!.note).toBeUndefined();
  });
});
