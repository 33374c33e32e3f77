import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService, writeEstate, STAGING_ESTATE as STAGING } from '../support/estate-files';
import { EstateHistory } from '../support/history';

const KEY_ID = /^SsmParameterValuecityplantest(staging|production)keyarn/;
/** The environment key's ARN (an SSM parameter), as plain comparisons and as template matchers see it. */
const KEY = { Ref: expect.stringMatching(KEY_ID) };
const KEY_MATCH = { Ref: Match.stringLikeRegexp(KEY_ID.source) };
const kindOf = (name: string, kind: string, extra: string) =>
  `name: ${name}\nkind: ${kind}\nowner: team@example.gov.uk\nimage: example/${name}:1\n${kind === 'job' ? 'schedule: rate(1 day)\n' : ''}${extra}`;

/** The one resource of a type, with its logical id. */
function one(t: Template, type: string): [string, { Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string }] {
  const found = Object.entries(t.findResources(type));
  expect(found, type).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, any> }];
}

describe('postgres addon', () => {
  // GIVEN a web service with a medium instance, a worker with a serverless cluster, a backend and a
  // job with the default, and a service without a database; staging unprotected, production protected
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', "postgres:\n  size: medium\n  version: '16'\n"),
    'services/cases.yaml': kindOf('cases', 'worker', 'postgres:\n  serverless: {min: 0, max: 4}\n'),
    'services/ledger.yaml': kindOf('ledger', 'backend', 'postgres: {}\n'),
    'services/nightly.yaml': kindOf('nightly', 'job', 'postgres: {size: large}\n'),
    'services/plain.yaml': webService('plain'),
  });

  it('builds an encrypted, TLS-only instance in the private subnets with backups, logs and Performance Insights', () => {
    const t = estate.template('test-staging-visits');
    const [, db] = one(t, 'AWS::RDS::DBInstance');
    expect(db.Properties).toMatchObject({
      Engine: 'postgres',
      EngineVersion: '16',
      DBInstanceClass: 'db.m7g.large',
      StorageType: 'gp3',
      AllocatedStorage: '50',
      MaxAllocatedStorage: 500,
      StorageEncrypted: true,
      PubliclyAccessible: false,
      BackupRetentionPeriod: 7,
      EnableCloudwatchLogsExports: ['postgresql', 'upgrade'],
      EnablePerformanceInsights: true,
      AutoMinorVersionUpgrade: true,
      ManageMasterUserPassword: true,
      MultiAZ: false,
      DeletionProtection: false,
    });
    expect(db.Properties.KmsKeyId).toEqual(KEY);
    expect(db.Properties.PerformanceInsightsKMSKeyId).toEqual(KEY);
    expect(db.Properties.MasterUserSecret).toEqual({ KmsKeyId: KEY });
    // No password of cityplan's making, and no instance name that a replacement would collide with.
    expect(db.Properties.MasterUserPassword).toBeUndefined();
    expect(db.Properties.DBInstanceIdentifier).toBeUndefined();
    expect(db.DeletionPolicy).toBe('Delete');
    t.hasResourceProperties('AWS::RDS::DBParameterGroup', { Family: 'postgres16', Parameters: { 'rds.force_ssl': '1' } });
    t.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: [0, 1].map((i) => ({ Ref: Match.stringLikeRegexp(`^SsmParameterValuecityplanteststagingnetworkprivatesubnet${i}`) })),
    });
  });

  it('admits the service’s own tasks on 5432 and nothing else', () => {
    const t = estate.template('test-staging-visits');
    const [dbSgId] = Object.entries(t.findResources('AWS::EC2::SecurityGroup')).find(([id]) => id.startsWith('PostgresSecurityGroup'))!;
    const rules = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (r) => JSON.stringify(r.Properties.GroupId) === JSON.stringify({ 'Fn::GetAtt': [dbSgId, 'GroupId'] }),
    );
    expect(rules.map((r) => r.Properties)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^TaskSecurityGroup/), 'GroupId'] } }),
    ]);
    const [, db] = one(t, 'AWS::RDS::DBInstance');
    expect(db.Properties.VPCSecurityGroups).toEqual([{ 'Fn::GetAtt': [dbSgId, 'GroupId'] }]);
    // The database opens no connection of its own.
    expect(t.findResources('AWS::EC2::SecurityGroup')[dbSgId]!.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
    ]);
  });

  it('gives the container the connection, user and password as ECS secrets from the RDS-managed secret only', () => {
    const t = estate.template('test-staging-visits');
    const [dbId] = one(t, 'AWS::RDS::DBInstance');
    const secretArn = { 'Fn::GetAtt': [dbId, 'MasterUserSecret.SecretArn'] };
    const [, task] = one(t, 'AWS::ECS::TaskDefinition');
    const container = task.Properties.ContainerDefinitions[0];
    expect(container.Secrets).toEqual(
      expect.arrayContaining([
        { Name: 'PGUSER', ValueFrom: { 'Fn::Join': ['', [secretArn, ':username::']] } },
        { Name: 'PGPASSWORD', ValueFrom: { 'Fn::Join': ['', [secretArn, ':password::']] } },
      ]),
    );
    expect(container.Environment).toEqual(
      expect.arrayContaining([
        { Name: 'PGHOST', Value: { 'Fn::GetAtt': [dbId, 'Endpoint.Address'] } },
        { Name: 'PGPORT', Value: '5432' },
        { Name: 'PGDATABASE', Value: 'app' },
        { Name: 'PGSSLMODE', Value: 'require' },
      ]),
    );
    expect(container.Environment.map((e: { Name: string }) => e.Name)).not.toContain('PGPASSWORD');
    // The execution role reads that one secret, and decrypts only through Secrets Manager.
    const statements = Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles).includes('TaskExecutionRole'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const reads = statements.filter((s: { Action: unknown }) => JSON.stringify(s.Action).includes('secretsmanager:'));
    expect(reads).toEqual([expect.objectContaining({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: secretArn })]);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: KEY, Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } } }),
    );
  });

  it('under protect: Multi-AZ, deletion protection, 35 days of backups, retained on removal and snapshotted on replacement', () => {
    const [, db] = one(estate.template('test-production-visits'), 'AWS::RDS::DBInstance');
    expect(db.Properties).toMatchObject({ MultiAZ: true, DeletionProtection: true, BackupRetentionPeriod: 35 });
    expect(db.DeletionPolicy).toBe('Retain');
    expect(db.UpdateReplacePolicy).toBe('Snapshot');
  });

  it('builds an Aurora Serverless v2 cluster for serverless, with a reader in another zone under protect', () => {
    const staging = estate.template('test-staging-cases');
    const [, cluster] = one(staging, 'AWS::RDS::DBCluster');
    expect(cluster.Properties).toMatchObject({
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
      StorageEncrypted: true,
      ManageMasterUserPassword: true,
      BackupRetentionPeriod: 7,
      EnableCloudwatchLogsExports: ['postgresql'],
      DeletionProtection: false,
    });
    expect(cluster.Properties.KmsKeyId).toEqual(KEY);
    expect(cluster.Properties.MasterUserSecret).toEqual({ KmsKeyId: KEY });
    expect(cluster.Properties.DBClusterIdentifier).toBeUndefined();
    staging.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'rds.force_ssl': '1' } });
    staging.resourceCountIs('AWS::RDS::DBInstance', 1);
    staging.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', EnablePerformanceInsights: true, PerformanceInsightsKMSKeyId: KEY_MATCH });

    const production = estate.template('test-production-cases');
    const [, protectedCluster] = one(production, 'AWS::RDS::DBCluster');
    expect(protectedCluster.Properties).toMatchObject({ DeletionProtection: true, BackupRetentionPeriod: 35 });
    expect(protectedCluster.DeletionPolicy).toBe('Retain');
    production.resourceCountIs('AWS::RDS::DBInstance', 2);
  });

  it('is built for every kind of service, and not for a service without one', () => {
    estate.template('test-staging-ledger').hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.t4g.small', AllocatedStorage: '20', EngineVersion: '17' });
    estate.template('test-staging-nightly').hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.m7g.xlarge', MaxAllocatedStorage: 1000 });
    estate.template('test-staging-plain').resourceCountIs('AWS::RDS::DBInstance', 0);
    estate.template('test-staging-plain').resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  it('puts no secret value in the assembly and leaves no policy finding unacknowledged', () => {
    const assembly = estate.app.synth();
    for (const file of readdirSync(assembly.directory).filter((f) => f.endsWith('.template.json'))) {
      const text = readFileSync(join(assembly.directory, file), 'utf8');
      expect(text).not.toMatch(/"MasterUserPassword"|GenerateSecretString|SecretString/);
      // No rotation Lambda nor custom resource per service (the foundation's own are not ours to judge here).
      if (/-(visits|cases|ledger|nightly)\.template\.json$/.test(file)) expect(text).not.toMatch(/AWS::Lambda::Function|Custom::/);
    }
    expect(checkPolicy(estate.app)).toEqual([]);
  });
});

describe('postgres fields', () => {
  const problems = (extra: string, name = 'visits'): readonly Problem[] => {
    try {
      loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, [`services/${name}.yaml`]: webService(name, extra) }));
      return [];
    } catch (e) {
      if (e instanceof EstateError) return e.problems;
      throw e;
    }
  };
  const messages = (extra: string) => problems(extra).map((p) => `${p.field}: ${p.message}`);

  it.each([
    ['postgres:\n  size: huge\n', 'postgres.size: must be small, medium or large'],
    ['postgres:\n  version: 15\n', "postgres.version: must be a PostgreSQL major version cityplan builds: '16' or '17' (quoted)"],
    ['postgres:\n  serverless: {min: 0.25, max: 4}\n', 'postgres.serverless.min: must be a multiple of 0.5 ACUs'],
    ['postgres:\n  serverless: {min: 1, max: 300}\n', 'postgres.serverless.max: must be at most 256 ACUs (the Aurora Serverless v2 maximum)'],
    ['postgres:\n  serverless: {min: -1, max: 4}\n', 'postgres.serverless.min: must be at least 0 ACUs'],
    ['postgres:\n  serverless: {min: 8, max: 4}\n', 'postgres.serverless.min: min 8 ACUs is more than max 4'],
    ['postgres:\n  size: small\n  serverless: {min: 0, max: 4}\n', 'postgres.serverless: give size or serverless, not both'],
    ['postgres:\n  storage: 10\n', 'postgres.storage'],
    ['postgres: {}\nenv:\n  PGHOST: db.example\n', 'env.PGHOST: PGHOST is set by cityplan to the connection to its database; choose another name'],
  ])('refuses %j', (extra, expected) => {
    const found = messages(extra);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });

  it('accepts each size, each version and a serverless range', () => {
    for (const extra of ['postgres: {}\n', "postgres: {size: large, version: '16'}\n", 'postgres:\n  serverless: {min: 0.5, max: 256}\n']) {
      expect(problems(extra)).toEqual([]);
    }
    // Without a database, PGHOST is the service's own to set.
    expect(problems('env:\n  PGHOST: db.example\n')).toEqual([]);
  });
});

describe('postgres over a service’s life', () => {
  const PRODUCTION = MINIMAL_ESTATE.replace(/\n {2}staging:[\s\S]*?(?=\n {2}production:)/, '');

  it('is added, resized and removed without a collision, and its removal says it goes', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/visits.yaml': webService('visits') });
    expect((await history.step()).collisions).toEqual([]);
    history.set('services/visits.yaml', webService('visits', 'postgres: {size: small}\n'));
    let step = await history.step();
    expect(step.collisions).toEqual([]);
    expect(step.plan.changes.flags).toEqual([]);
    // A resize changes the instance class in place: nothing to say.
    history.set('services/visits.yaml', webService('visits', 'postgres: {size: large}\n'));
    step = await history.step();
    expect(step.collisions).toEqual([]);
    expect(step.plan.changes.flags).toEqual([]);
    // A switch to serverless is a new, empty database: said before it happens.
    history.set('services/visits.yaml', webService('visits', 'postgres:\n  serverless: {min: 0, max: 8}\n'));
    step = await history.step();
    expect(step.collisions).toEqual([]);
    expect(step.plan.changes.flags).toEqual([
      'visits (staging) moves its database from an RDS instance to Aurora Serverless v2: the deploy creates a new, empty database and deletes its PostgreSQL database with all its data and automated backups, taking no final snapshot; move the data across yourself. Is that meant?',
    ]);
    // Dropping the addon deletes the database: said too.
    history.set('services/visits.yaml', webService('visits'));
    step = await history.step();
    expect(step.collisions).toEqual([]);
    expect(step.plan.changes.flags).toEqual([expect.stringMatching(/^visits \(staging\) no longer has postgres: the deploy deletes its PostgreSQL database with all its data/)]);
    history.set('services/visits.yaml', webService('visits', 'postgres: {}\n'));
    expect((await history.step()).collisions).toEqual([]);
    history.set('services/visits.yaml', undefined);
    const removal = await history.plan();
    expect(removal.changes.removed.find((r) => r.stack === 'test-staging-visits')).toEqual(
      expect.objectContaining({ deletes: expect.arrayContaining(['its PostgreSQL database, with its automated backups and no final snapshot']), keeps: [] }),
    );
    expect(history.deploy(removal)).toEqual([]);
  });

  it('says a protected database outlives its service', async () => {
    const history = new EstateHistory({ 'estate.yaml': PRODUCTION, 'services/visits.yaml': webService('visits', 'postgres: {}\ncount: {min: 2}\n') });
    expect((await history.step()).collisions).toEqual([]);
    history.set('services/visits.yaml', undefined);
    const removal = await history.plan();
    const entry = removal.changes.removed.find((r) => r.stack === 'test-production-visits');
    expect(entry!.keeps).toContain(
      'its PostgreSQL database, still running with deletion protection (delete it yourself, taking a final snapshot, when it is no longer needed)',
    );
    expect(entry!.deletes.join('\n')).not.toContain('PostgreSQL');
  });

  it('says a protected database dropped from its service is left running', async () => {
    const history = new EstateHistory({ 'estate.yaml': PRODUCTION, 'services/visits.yaml': webService('visits', 'postgres: {}\n') });
    await history.step();
    history.set('services/visits.yaml', webService('visits'));
    const plan = await history.plan();
    expect(plan.changes.flags).toContain(
      'visits (production) no longer has postgres: the deploy leaves its PostgreSQL database running outside any stack, with deletion protection (delete it yourself, taking a final snapshot, when it is no longer needed). Is that meant?',
    );
    expect(history.deploy(plan)).toEqual([]);
  });
});
