/** A service with a pipeline removed and added back under its name (issue 3's model of what is deployed). */
import { describe, expect, it } from 'vitest';
import { EstateError } from '../../src/manifest/problems';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { EstateHistory } from '../support/history';

const ESTATE = MINIMAL_ESTATE.replace(/(connectionArn: .*)\n/, '$1\n  repo: example/estate\n');
const visits = webService('visits');

describe('a service re-added after its removal', () => {
  it('leaves no image record behind, and says how to free its retained repository without guessing at the lock', async () => {
    const history = new EstateHistory({ 'estate.yaml': ESTATE, 'services/visits.yaml': visits });
    expect((await history.step()).collisions).toEqual([]);
    const records = () =>
      [...history.world.stacks.values()].flatMap((s) => Object.values(s.template.Resources ?? {}).filter((r) => r.Type === 'AWS::SSM::Parameter').map((r) => String(r.Properties?.Name)));
    expect(records().filter((n) => n.includes('/delivery/visits/'))).not.toEqual([]);

    // WHEN the service is removed and that deployed
    history.set('services/visits.yaml', undefined);
    expect((await history.step()).collisions).toEqual([]);
    // THEN its image records went with its pipeline stack; its repository stayed
    expect(records().filter((n) => n.includes('/delivery/visits/'))).toEqual([]);
    expect(history.world.leftovers.map((l) => l.claim)).toContain('AWS::ECR::Repository test/visits');

    // AND adding it back is refused with exact steps
    history.set('services/visits.yaml', visits);
    const problems = await history.plan().then(
      () => [],
      (e: unknown) => (e instanceof EstateError ? e.problems : Promise.reject(e)),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          'aws ecr delete-repository --repository-name test/visits --force, with credentials of the delivery account; its images go with it) and then, in cityplan.lock.json, remove the one entry whose "claim" is "AWS::ECR::Repository test/visits" from environments.delivery.retained',
        ),
      }),
    ]);
  });
});
