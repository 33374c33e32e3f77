import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceClaims, resolver } from '../../src/estate/claims';
import type { Problem } from '../../src/manifest/problems';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const other = (name: string, kind: string, extra = '') =>
  `name: ${name}\nkind: ${kind}\nowner: team@example.gov.uk\nimage: example/${name}:1\n${kind === 'job' ? 'schedule: rate(1 hour)\n' : ''}${extra}`;

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
const resources = (t: Template) => Object.entries(t.toJSON().Resources as Record<string, Resource>);
const only = (t: Template, type: string): [string, Resource] => {
  const found = resources(t).filter(([, r]) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const ssm = (name: string) => ({ Ref: expect.stringMatching(new RegExp(`^SsmParameterValue${name}`)) });

const problemsOf = estateProblems;

describe('cache addon', () => {
  // GIVEN a web service with a 5 GB cache, a worker and a job with default caches, a web service without
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', 'cache:\n  maxMemory: 5\n'),
    'services/notify.yaml': other('notify', 'worker', 'cache: {}\n'),
    'services/nightly.yaml': other('nightly', 'job', 'cache: {}\n'),
    'services/plain.yaml': webService('plain'),
  });
  const production = estate.template('test-production-visits');
  const staging = estate.template('test-staging-visits');

  it('is a Valkey serverless cache in the private subnets, encrypted with the environment key', () => {
    const [, cache] = only(production, 'AWS::ElastiCache::ServerlessCache');
    expect(cache.Properties).toMatchObject({
      ServerlessCacheName: 'test-production-visits',
      Engine: 'valkey',
      KmsKeyId: ssm('cityplantestproductionkeyarn'),
      SubnetIds: [0, 1, 2].map((i) => ssm(`cityplantestproductionnetworkprivatesubnet${i}`)),
    });
    // Staging has two zones: two subnets.
    expect(only(staging, 'AWS::ElastiCache::ServerlessCache')[1].Properties.SubnetIds).toHaveLength(2);
  });

  it("admits only the service's tasks, on the endpoint and reader ports, and sends nothing out", () => {
    const [cacheId, cache] = only(production, 'AWS::ElastiCache::ServerlessCache');
    const groups = cache.Properties.SecurityGroupIds as Array<{ 'Fn::GetAtt': [string, string] }>;
    expect(groups).toHaveLength(1);
    const groupId = groups[0]!['Fn::GetAtt'][0];
    expect(groupId).not.toMatch(/^TaskSecurityGroup/);
    const group = production.toJSON().Resources[groupId] as Resource;
    expect(group.Properties.SecurityGroupIngress ?? []).toEqual([]);
    expect(group.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
    const rules = resources(production).filter(([, r]) => r.Type === 'AWS::EC2::SecurityGroupIngress' && JSON.stringify(r.Properties.GroupId).includes(groupId));
    expect(rules.map(([, r]) => r.Properties)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6380, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^TaskSecurityGroup/), 'GroupId'] } }),
    ]);
    expect(cacheId).toMatch(/^Cache/);
  });

  it('caps data storage at maxMemory, and leaves it unlimited when not given', () => {
    expect(only(production, 'AWS::ElastiCache::ServerlessCache')[1].Properties.CacheUsageLimits).toEqual({ DataStorage: { Maximum: 5, Unit: 'GB' } });
    expect(only(estate.template('test-production-notify'), 'AWS::ElastiCache::ServerlessCache')[1].Properties.CacheUsageLimits).toBeUndefined();
  });

  it('keeps daily snapshots a day, a week where protected, and is deleted with its stack', () => {
    expect(only(staging, 'AWS::ElastiCache::ServerlessCache')[1]).toMatchObject({ Properties: { SnapshotRetentionLimit: 1, DailySnapshotTime: '03:00' }, DeletionPolicy: 'Delete' });
    expect(only(production, 'AWS::ElastiCache::ServerlessCache')[1]).toMatchObject({ Properties: { SnapshotRetentionLimit: 7 }, DeletionPolicy: 'Delete' });
  });

  it('gives the container its endpoint as CACHE_HOST and CACHE_PORT, for every kind', () => {
    for (const name of ['visits', 'notify', 'nightly']) {
      const t = estate.template(`test-production-${name}`);
      const [cacheId] = only(t, 'AWS::ElastiCache::ServerlessCache');
      const [, task] = only(t, 'AWS::ECS::TaskDefinition');
      const environment = (task.Properties.ContainerDefinitions as Array<{ Environment: unknown[] }>)[0]!.Environment;
      expect(environment).toContainEqual({ Name: 'CACHE_HOST', Value: { 'Fn::GetAtt': [cacheId, 'Endpoint.Address'] } });
      expect(environment).toContainEqual({ Name: 'CACHE_PORT', Value: { 'Fn::GetAtt': [cacheId, 'Endpoint.Port'] } });
    }
    estate.template('test-production-plain').resourceCountIs('AWS::ElastiCache::ServerlessCache', 0);
  });

  it('claims its name in the account and region', () => {
    const t = production.toJSON() as Parameters<typeof resolver>[0];
    const [, cache] = only(production, 'AWS::ElastiCache::ServerlessCache');
    expect(resourceClaims(cache.Type, cache.Properties, resolver(t, 'test-production-visits', '/cityplan/test/production/'))).toEqual([
      'AWS::ElastiCache::ServerlessCache test-production-visits',
    ]);
  });

  it('refuses a maxMemory outside 1–5000 GB or not a whole number, an unknown field, and a CACHE_HOST of its own', () => {
    const at = (extra: string) => problemsOf({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits', extra) });
    for (const bad of ['0', '5001', '2.5', 'lots']) expect(at(`cache:\n  maxMemory: ${bad}\n`), bad).toEqual([expect.objectContaining({ field: 'cache.maxMemory' })]);
    for (const good of ['1', '5000']) expect(at(`cache:\n  maxMemory: ${good}\n`), good).toEqual([]);
    expect(at('cache:\n  engine: redis\n')).toEqual([expect.objectContaining({ field: 'cache.engine' })]);
    expect(at('cache: {}\nsecrets: [CACHE_HOST]\n')).toEqual([expect.objectContaining({ field: 'secrets', message: expect.stringMatching(/CACHE_HOST is set by cityplan/) })]);
  });

  it('refuses a service whose cache name would be over 40 characters, only when it has a cache', () => {
    // test-production- is 16 characters: a 25-character service name makes 41.
    const name = 'a'.repeat(25);
    const files = (extra: string) => ({ 'estate.yaml': MINIMAL_ESTATE, [`services/${name}.yaml`]: webService(name, extra) });
    expect(problemsOf(files('cache: {}\n'))).toEqual([
      expect.objectContaining({ field: 'name', message: `the ElastiCache Serverless cache name 'test-production-${name}' would be 41 characters; AWS allows 40` }),
    ]);
    expect(problemsOf(files(''))).toEqual([]);
  });

  it('refuses a cache name with two hyphens in a row', () => {
    const problems = problemsOf({ 'estate.yaml': MINIMAL_ESTATE, 'services/a--b.yaml': webService('a--b', 'cache: {}\n') });
    expect(problems).toContainEqual(expect.objectContaining({ field: 'name', message: expect.stringMatching(/cache name 'test-staging-a--b' has two hyphens in a row/) }));
  });
});
