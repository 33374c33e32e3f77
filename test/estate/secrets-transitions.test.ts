/** Adding and removing a service's secret, planned and deployed over what is deployed (issue 3's model). */
import { describe, expect, it } from 'vitest';
import { EstateError } from '../../src/manifest/problems';
import { MINIMAL_ESTATE, webService, STAGING_ESTATE as STAGING } from '../support/estate-files';
import { EstateHistory } from '../support/history';

const PRODUCTION = MINIMAL_ESTATE.replace(/\n {2}staging:\n( {4}.*\n)+/, '\n');
const visits = (secrets: string[]) => webService('visits', secrets.length ? `secrets: [${secrets.join(', ')}]\n` : '');
const secretClaims = (history: EstateHistory) =>
  [...history.world.stacks.values()].flatMap((s) => Object.values(s.template.Resources ?? {}).filter((r) => r.Type === 'AWS::SecretsManager::Secret').map((r) => r.Properties?.Name));

describe('a service secret through its life', () => {
  it('is created when added and deleted when removed, in an unprotected environment', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/visits.yaml': visits([]) });
    expect((await history.step()).collisions).toEqual([]);

    history.set('services/visits.yaml', visits(['API_KEY']));
    expect((await history.step()).collisions).toEqual([]);
    expect(secretClaims(history)).toEqual(['test/staging/visits/API_KEY']);

    history.set('services/visits.yaml', visits([]));
    expect((await history.step()).collisions).toEqual([]);
    expect(secretClaims(history)).toEqual([]);

    // and can come back: nothing was left behind under its name
    history.set('services/visits.yaml', visits(['API_KEY']));
    expect((await history.step()).collisions).toEqual([]);
  });

  it('is kept, with its value, when removed in a protected environment', async () => {
    const history = new EstateHistory({ 'estate.yaml': PRODUCTION, 'services/visits.yaml': visits(['API_KEY']) });
    expect((await history.step()).collisions).toEqual([]);

    history.set('services/visits.yaml', visits([]));
    expect((await history.step()).collisions).toEqual([]);
    expect(history.world.leftovers.map((l) => l.claim)).toEqual([expect.stringContaining('AWS::SecretsManager::Secret test/production/visits/API_KEY')]);

    // and the plan refuses to add it back while the kept one holds its name, saying what to do
    history.set('services/visits.yaml', visits(['API_KEY']));
    const problems = await history.plan().then(
      () => [],
      (e: unknown) => (e instanceof EstateError ? e.problems : Promise.reject(e)),
    );
    expect(problems).toEqual([
      expect.objectContaining({ file: 'services/visits.yaml', message: expect.stringMatching(/^AWS::SecretsManager::Secret test\/production\/visits\/API_KEY already exists: it was retained .*delete it in AWS/) }),
    ]);
  });
});
