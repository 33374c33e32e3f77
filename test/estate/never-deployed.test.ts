import { describe, expect, it } from 'vitest';
import { readLock } from '../../src/estate/lock';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { EstateHistory } from '../support/history';

describe('a stack planned but never deployed', () => {
  it('leaves no removal behind when its service goes, nor a protected shard to unprotect: the lock just forgets it', async () => {
    // GIVEN an estate planned (not deployed) with a service in both environments
    const estate = new EstateHistory({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits'), 'services/trial.yaml': webService('trial') });
    await estate.plan();

    // WHEN one service is kept to staging and the other removed, before any deploy
    estate.set('services/trial.yaml', webService('trial', 'runsIn: [staging]\n')).set('services/visits.yaml', undefined);
    const plan = await estate.plan();

    // THEN nothing is planned as removed, no stack of theirs is in the assembly, and the lock holds
    // only what the estate now has
    expect(plan.changes.removed).toEqual([]);
    expect(plan.stacks.map((s) => s.name).filter((n) => n.includes('visits') || n === 'test-production-trial')).toEqual([]);
    const { lock } = readLock(estate.dir);
    expect(Object.keys(lock.environments.production!.stacks).filter((n) => n.includes('visits') || n.includes('trial'))).toEqual([]);
    expect(Object.keys(lock.environments.production!.services)).toEqual([]);
    expect(estate.deploy(plan)).toEqual([]);
  });
});
