import { describe, expect, it } from 'vitest';
import { allocateEstate } from '../../src/estate/allocation';
import { emptyLock } from '../../src/estate/lock';
import { checkEstateQuotas, checkStackQuotas, describeBreach, QUOTAS } from '../../src/estate/quotas';
import type { EstateSpec, ServiceSpec } from '../../src/manifest/spec';
import { loadEstate } from '../../src/manifest/load';
import { areaEstateFiles, generatedEstateFiles, writeEstate } from '../support/estate-files';

const example = loadEstate('examples/justice');

/** The example estate with `count` copies of its first web service in every environment. */
function withServices(count: number, sameAccount = false): EstateSpec {
  const template = example.services.get('staging')!.find((s) => s.kind === 'web')!;
  const services: ServiceSpec[] = Array.from({ length: count }, (_, i) => ({ ...template, name: `s${i}`, hostnames: [] }));
  return {
    ...example,
    environments: example.environments.map((e) => (sameAccount ? { ...e, account: '999999999999', region: 'eu-west-2' } : e)),
    services: new Map(example.environments.map((e) => [e.name, services])),
  };
}

describe('quota checks', () => {
  it('pass for the example estate', () => {
    expect(checkEstateQuotas(example, allocateEstate(example, emptyLock()).environments)).toEqual([]);
  });

  it('name the ALB quota and the number found when an account and region would need more than 50 load balancers', () => {
    const spec = withServices(95 * 26, true);
    const breaches = checkEstateQuotas(spec, allocateEstate(spec, emptyLock()).environments);
    const alb = breaches.find((b) => b.quota === QUOTAS.albsPerRegion)!;
    expect(alb.found).toBe(52);
    expect(describeBreach(alb)).toBe(
      'account 999999999999, region eu-west-2: 52 Application Load Balancers per account and region; the quota is 50 (adjustable on request through Service Quotas)',
    );
  });

  it('count a security group per cache beside each service’s own against the security groups per VPC', () => {
    // GIVEN 1,250 backends per environment, with caches and without
    const backends = (cache: boolean): EstateSpec => {
      const template = example.services.get('staging')!.find((s) => s.kind === 'backend')!;
      const services: ServiceSpec[] = Array.from({ length: 1250 }, (_, i) => ({ ...template, name: `b${i}`, calls: [], ...(cache ? { cache: {} } : {}) }));
      return { ...example, services: new Map(example.environments.map((e) => [e.name, services])) };
    };
    const groups = (spec: EstateSpec) => checkEstateQuotas(spec, allocateEstate(spec, emptyLock()).environments).filter((b) => b.quota === QUOTAS.securityGroupsPerVpc);
    // THEN with caches each environment needs 2,501 groups (tasks, caches, the default group); without, 1,251
    expect(groups(backends(true)).map((b) => b.found)).toEqual([2501, 2501]);
    expect(groups(backends(false))).toEqual([]);
  });

  it('count CloudFormation stacks and target groups per account and region across environments', () => {
    const spec = withServices(1600, true);
    const quotas = checkEstateQuotas(spec, allocateEstate(spec, emptyLock()).environments).map((b) => [b.quota.name, b.found]);
    expect(quotas).toContainEqual([QUOTAS.targetGroupsPerRegion.name, 3200]);
    // Per environment: foundation, certificate, 17 shards, 1,600 services.
    expect(quotas).toContainEqual([QUOTAS.stacksPerRegion.name, 2 * (2 + 17 + 1600)]);
  });

  it('name the CodePipeline quota when the delivery account would hold more than 1,000 pipelines, and count its stacks', () => {
    // GIVEN 1,001 services, each with a pipeline (the example names its estate repository)
    const spec = withServices(1001);
    const breaches = checkEstateQuotas(spec, allocateEstate(spec, emptyLock()).environments).filter((b) => b.where.startsWith('delivery account'));
    expect(breaches.map(describeBreach)).toEqual([
      'delivery account 111111111111, region eu-west-2: 1001 CodePipeline pipelines per account and region; the quota is 1000 (adjustable on request through Service Quotas)',
    ]);
    // AND its stacks count against CloudFormation's quota of the delivery account
    const stacks = checkEstateQuotas(withServices(2000), allocateEstate(withServices(2000), emptyLock()).environments).find(
      (b) => b.quota === QUOTAS.stacksPerRegion && b.where === 'account 111111111111, region eu-west-2',
    );
    expect(stacks?.found).toBe(2001);
    // AND an estate without pipelines has none of these
    const plain = { ...spec, delivery: { ...spec.delivery, repo: undefined } };
    expect(checkEstateQuotas(plain, allocateEstate(plain, emptyLock()).environments).filter((b) => b.where.startsWith('delivery'))).toEqual([]);
  });

  it('flag a stack over 500 resources or a template over 1 MB', () => {
    const breaches = checkStackQuotas([
      { name: 'big', resources: 501, parameters: 3, outputs: 0, bytes: 1_200_000 },
      { name: 'fine', resources: 500, parameters: 200, outputs: 200, bytes: 1_000_000 },
    ]);
    expect(breaches.map(describeBreach)).toEqual([
      'stack big: 501 CloudFormation resources per stack; the quota is 500 (fixed)',
      'stack big: 1200000 CloudFormation template size (bytes, uploaded through S3); the quota is 1000000 (fixed)',
    ]);
  });
});

describe('a 3,000-service estate', () => {
  it('is over one account’s default quotas in one environment, and within them spread over two areas’ accounts', () => {
    const one = loadEstate(writeEstate(generatedEstateFiles(3000, 1)));
    expect(checkEstateQuotas(one, allocateEstate(one, emptyLock()).environments).map((b) => b.quota.name).sort()).toEqual([
      QUOTAS.stacksPerRegion.name,
      QUOTAS.securityGroupsPerVpc.name,
    ].sort());
    const spread = loadEstate(writeEstate(areaEstateFiles(3000)));
    expect(spread.environments.map((e) => spread.services.get(e.name)!.length)).toEqual([1500, 1500, 1500, 1500]);
    expect(checkEstateQuotas(spread, allocateEstate(spread, emptyLock()).environments)).toEqual([]);
  });
});
