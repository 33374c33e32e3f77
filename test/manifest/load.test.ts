import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

describe('loadEstate', () => {
  it('reads the example estate with every environment and service', () => {
    const spec = loadEstate('examples/justice');
    expect(spec.name).toBe('justice');
    expect(spec.environments.map((e) => e.name)).toEqual(['staging', 'production']);
    expect(spec.services.get('production')!.map((s) => s.name)).toEqual([
      'apply-for-legal-aid',
      'book-a-prison-visit',
      'court-case-notifications',
      'find-a-court',
      'money-reconciliation',
      'prisoner-search-api',
      'send-money-to-prisoners',
    ]);
  });

  it('layers built-in defaults, estate defaults, the service file and its environment override', () => {
    const dir = writeEstate({
      'estate.yaml': `${MINIMAL_ESTATE}defaults:\n  count:\n    max: 8\n  env:\n    LOG_LEVEL: info\n`,
      'services/visits.yaml': webService(
        'visits',
        'port: 3000\nenv:\n  API_URL: https://api\nenvironments:\n  production:\n    count:\n      min: 4\n    cpu: 512\n    memory: 2048\n',
      ),
    });
    const spec = loadEstate(dir);
    const staging = spec.services.get('staging')![0]!;
    const production = spec.services.get('production')![0]!;
    expect(staging).toMatchObject({ port: 3000, cpu: 256, memory: 512, count: { min: 2, max: 8 }, health: '/health' });
    expect(staging.env).toEqual({ LOG_LEVEL: 'info', API_URL: 'https://api' });
    expect(production).toMatchObject({ port: 3000, cpu: 512, memory: 2048, count: { min: 4, max: 8 } });
    expect(staging.source).toEqual({ repo: 'example/visits', branch: 'main', dockerfile: 'Dockerfile' });
  });

  it('applies environment defaults: region from the estate, two zones, on-demand capacity', () => {
    const spec = loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE }));
    expect(spec.environments[0]).toMatchObject({ region: 'eu-west-2', zones: 2, capacity: 'on-demand', protect: false, approval: false });
    expect(spec.environments[1]).toMatchObject({ zones: 3, protect: true, zoneId: 'Z0123456789ABCDEFGHIJ' });
  });

  it('does not apply web-only estate defaults to workers', () => {
    const dir = writeEstate({
      'estate.yaml': `${MINIMAL_ESTATE}defaults:\n  port: 3000\n`,
      'services/notify.yaml': 'name: notify\nkind: worker\nimage: example/notify:1\n',
    });
    expect(loadEstate(dir).services.get('staging')![0]!.kind).toBe('worker');
  });
});
