import { describe, expect, it } from 'vitest';
import { deliveryTargets } from '../../src/delivery/delivery-plan';
import { loadEstate } from '../../src/manifest/load';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';
import { EstateHistory } from '../support/history';

describe('runsIn over the life of an estate', () => {
  it('takes a service out of one environment as a removal there, deployed without a collision, and back in again', async () => {
    // GIVEN two services deployed in both environments
    const estate = new EstateHistory({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits'), 'services/trial.yaml': webService('trial') });
    expect(estate.deploy(await estate.plan())).toEqual([]);

    // WHEN one of them is kept to staging
    estate.set('services/trial.yaml', webService('trial', 'runsIn: [staging]\n'));
    const narrowed = await estate.plan();

    // THEN its production stack is removed, and nothing else changes place
    expect(narrowed.changes.removed.map((r) => r.stack)).toEqual(['test-production-trial']);
    expect(narrowed.changes.moved).toEqual([]);
    expect(estate.deploy(narrowed)).toEqual([]);

    // AND running it in production again plans it there afresh
    estate.set('services/trial.yaml', webService('trial'));
    const widened = await estate.plan();
    expect(widened.changes.added).toEqual([{ environment: 'production', service: 'trial', kind: 'web', incarnation: 2 }]);
    expect(estate.deploy(widened)).toEqual([]);
  });

  it('gives a service’s pipeline a stage for each environment it runs in only', () => {
    const spec = loadEstate(
      writeEstate({
        'estate.yaml': MINIMAL_ESTATE.replace(/^( {2}connectionArn: .*)$/m, '$1\n  repo: example/estate'),
        'services/visits.yaml': webService('visits'),
        'services/trial.yaml': webService('trial', 'runsIn: [staging]\n'),
      }),
    );
    const targets = deliveryTargets(spec);
    expect(targets.get('trial')!.map((t) => t.environment.name)).toEqual(['staging']);
    expect(targets.get('visits')!.map((t) => t.environment.name)).toEqual(['staging', 'production']);
  });
});
