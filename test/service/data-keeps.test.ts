/**
 * What a protected removal and a change of database engine need to deploy: what the kept database
 * uses is kept with it, the two engines' parameter groups have ids of their own, S3 backups have
 * the policies AWS Backup documents for them, and a wrong capacity is said before synthesis.
 */
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError } from '../../src/manifest/problems';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, writeEstate } from '../support/estate-files';

const service = (name: string, postgres: string) => `name: ${name}\nkind: backend\nimage: example/${name}:1\npostgres:\n${postgres}`;

describe('data kept and changed', () => {
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/cases.yaml': service('cases', '  size: small\n'),
    'services/search.yaml': service('search', '  serverless:\n    min: 0.5\n    max: 2\n'),
  });
  type Resources = Record<string, { Type: string; DeletionPolicy?: string; Properties?: Record<string, unknown> }>;
  const resources = (stack: string) => estate.template(stack).toJSON().Resources as Resources;

  it('keeps, with a protected database, the groups it is attached to', () => {
    for (const stack of ['test-production-cases', 'test-production-search']) {
      const attached = Object.entries(resources(stack)).filter(([id, r]) => id.startsWith('Postgres') && /SecurityGroup$|SubnetGroup$|ParameterGroup$/.test(r.Type));
      expect(attached.length, stack).toBeGreaterThanOrEqual(3);
      for (const [id, r] of attached) expect(r.DeletionPolicy, `${stack} ${id}`).toBe('Retain');
    }
    // Unprotected, nothing is kept.
    for (const r of Object.values(resources('test-staging-cases')).filter((r) => r.Type === 'AWS::RDS::DBParameterGroup')) expect(r.DeletionPolicy).not.toBe('Retain');
  });

  it('gives an instance and a cluster parameter groups of different ids, so a switch is a new resource', () => {
    const ids = (stack: string, type: string) => Object.entries(resources(stack)).filter(([, r]) => r.Type === type).map(([id]) => id);
    const instance = ids('test-staging-cases', 'AWS::RDS::DBParameterGroup');
    const cluster = ids('test-staging-search', 'AWS::RDS::DBClusterParameterGroup');
    expect(instance).toHaveLength(1);
    expect(cluster).toHaveLength(1);
    expect(instance[0]).not.toBe(cluster[0]);
  });

  it('allows a raised version on an instance (a major version upgrade)', () => {
    const db = Object.values(resources('test-staging-cases')).find((r) => r.Type === 'AWS::RDS::DBInstance')!;
    expect(db.Properties!.AllowMajorVersionUpgrade).toBe(true);
  });

  it('gives the backup role the policies AWS Backup documents for S3', () => {
    const roles = Object.values(resources('test-production-foundation')).filter((r) => r.Type === 'AWS::IAM::Role');
    const arns = JSON.stringify(roles.map((r) => r.Properties!.ManagedPolicyArns));
    expect(arns).toContain(':iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup');
    expect(arns).toContain(':iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore');
  });

  it('refuses a serverless maximum below 1 ACU, at its line', () => {
    const dir = writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'services/search.yaml': service('search', '  serverless:\n    min: 0\n    max: 0.5\n') });
    expect(() => loadEstate(dir)).toThrow(EstateError);
    try {
      loadEstate(dir);
    } catch (e) {
      expect((e as EstateError).problems).toEqual([
        expect.objectContaining({ file: 'services/search.yaml', line: 7, field: 'postgres.serverless.max', message: 'is 0.5; an Aurora Serverless v2 maximum is at least 1 ACU, such as max: 1' }),
      ]);
    }
  });
});
