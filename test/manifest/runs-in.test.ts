import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const backend = (name: string, extra = '') => `name: ${name}\nkind: backend\nimage: public.ecr.aws/docker/library/alpine:3.20\n${extra}`;

describe('runsIn', () => {
  it('places a service in the environments it lists only, and every service elsewhere by default', () => {
    const spec = loadEstate(
      writeEstate({
        'estate.yaml': MINIMAL_ESTATE,
        'services/everywhere.yaml': webService('everywhere'),
        'services/trial.yaml': webService('trial', 'runsIn: [staging]\nenvironments:\n  staging:\n    cpu: 512\n    memory: 1024\n'),
      }),
    );
    expect(spec.services.get('staging')!.map((s) => s.name)).toEqual(['everywhere', 'trial']);
    expect(spec.services.get('production')!.map((s) => s.name)).toEqual(['everywhere']);
    expect(spec.services.get('staging')!.find((s) => s.name === 'trial')).toMatchObject({ cpu: 512, memory: 1024 });
  });

  it('names a wrong environment at its line, with the nearest name, and a name listed twice', () => {
    const problems = estateProblems({
      'estate.yaml': MINIMAL_ESTATE,
      'services/trial.yaml': webService('trial', 'runsIn:\n  - stagng\n  - production\n  - production\n'),
    });
    expect(problems).toEqual([
      expect.objectContaining({ file: 'services/trial.yaml', line: 7, field: 'runsIn[0]', message: expect.stringContaining("'stagng' is not an environment of estate.yaml; did you mean staging? (environments: staging, production)") }),
      expect.objectContaining({ file: 'services/trial.yaml', line: 9, field: 'runsIn[2]', message: expect.stringContaining('lists production twice') }),
    ]);
  });

  it('refuses an empty list and an override of an environment the service does not run in', () => {
    expect(estateProblems({ 'estate.yaml': MINIMAL_ESTATE, 'services/trial.yaml': webService('trial', 'runsIn: []\n') })).toEqual([
      expect.objectContaining({ field: 'runsIn', message: expect.stringContaining('must name at least one environment') }),
    ]);
    const problems = estateProblems({
      'estate.yaml': MINIMAL_ESTATE,
      'services/trial.yaml': webService('trial', 'runsIn: [staging]\nenvironments:\n  production:\n    cpu: 512\n    memory: 1024\n'),
    });
    expect(problems).toEqual([
      expect.objectContaining({ field: 'environments.production', message: expect.stringContaining('overrides environment production, where the service does not run (runsIn: staging)') }),
    ]);
  });

  it('refuses calls and subscriptions to a service that does not run in the caller’s environment', () => {
    const problems = estateProblems({
      'estate.yaml': MINIMAL_ESTATE,
      'services/api.yaml': backend('api', 'runsIn: [staging]\npublish: [changed]\n'),
      'services/front.yaml': webService('front', 'calls: [api]\n'),
      'services/listener.yaml': 'name: listener\nkind: worker\nimage: public.ecr.aws/docker/library/alpine:3.20\nsubscribe:\n  - service: api\n    topic: changed\n',
    });
    const messages = problems.map((p) => `${p.file} ${p.field}: ${p.message}`);
    expect(messages).toEqual([
      expect.stringContaining('services/front.yaml calls: api does not run in environment production (its runsIn: staging)'),
      expect.stringContaining('services/listener.yaml subscribe: api does not run in environment production (its runsIn: staging)'),
    ]);
  });
});

describe('fields written one level away from where they belong', () => {
  it('says where runsIn and an environment setting go', () => {
    const problems = estateProblems({
      'estate.yaml': `${MINIMAL_ESTATE}defaults:\n  runsIn: [staging]\n  egress: endpoints\n`,
      'services/trial.yaml': webService('trial', 'environments:\n  staging:\n    runsIn: [staging]\n'),
    });
    expect(problems.map((p) => `${p.file} ${p.field}: ${p.message}`)).toEqual([
      expect.stringContaining("estate.yaml defaults.runsIn: unknown field 'runsIn'; runsIn names a service's environments in the service's own file"),
      expect.stringContaining("estate.yaml defaults.egress: unknown field 'egress'; egress is an environment's setting: environments.<env>.egress in estate.yaml"),
      expect.stringContaining("services/trial.yaml environments.staging.runsIn: unknown field 'runsIn'; runsIn names a service's environments"),
    ]);
  });
});
