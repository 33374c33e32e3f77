import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/manifest/problems';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const KEY = { Ref: expect.stringMatching(/^SsmParameterValuecityplantestproductionkeyarn/) };
const other = (name: string, kind: string, extra = '') =>
  `name: ${name}\nkind: ${kind}\nowner: team@example.gov.uk\nimage: example/${name}:1\n${kind === 'job' ? 'schedule: rate(1 hour)\n' : ''}${extra}`;

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
const resources = (t: Template) => Object.entries(t.toJSON().Resources as Record<string, Resource>);
const bucketOf = (t: Template): [string, Resource] => {
  const found = resources(t).filter(([, r]) => r.Type === 'AWS::S3::Bucket');
  expect(found).toHaveLength(1);
  return found[0]!;
};
const taskRolePolicies = (t: Template) =>
  resources(t)
    .filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes('TaskTaskRole'))
    .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement);

const problemsOf = estateProblems;

describe('bucket addon', () => {
  // GIVEN a web service with a versioned bucket, a worker with a plain one, a job and a backend with
  // buckets, and a web service without one; staging is unprotected, production protected
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', 'bucket:\n  versioned: true\n'),
    'services/notify.yaml': other('notify', 'worker', 'bucket: {}\n'),
    'services/nightly.yaml': other('nightly', 'job', 'bucket: {}\n'),
    'services/search.yaml': other('search', 'backend', 'bucket:\n  versioned: false\n'),
    'services/plain.yaml': webService('plain'),
  });
  const production = estate.template('test-production-visits');
  const staging = estate.template('test-staging-visits');

  it('is private, encrypted with the environment key and reachable over TLS only, for every kind', () => {
    for (const name of ['visits', 'notify', 'nightly', 'search']) {
      for (const env of ['staging', 'production']) {
        const t = estate.template(`test-${env}-${name}`);
        const [id, bucket] = bucketOf(t);
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
        expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
        expect(bucket.Properties.BucketEncryption).toEqual({
          ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.objectContaining({ Ref: expect.stringMatching(new RegExp(`^SsmParameterValuecityplantest${env}keyarn`)) }) } }],
        });
        t.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: id },
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
        });
      }
    }
  });

  it("logs access to the environment's log bucket under s3/<service>/", () => {
    const [, bucket] = bucketOf(production);
    expect(bucket.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^SsmParameterValuecityplantestproductionlogsaccesslogbucket/) },
      LogFilePrefix: 's3/visits/',
    });
  });

  it("lets the foundation's log bucket take S3 server access logs from this account's buckets only", () => {
    estate.template('test-production-foundation').hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': '333333333333' } },
            Resource: { 'Fn::Join': ['', [Match.anyValue(), '/s3/*']] },
          }),
        ]),
      },
    });
  });

  it('keeps old versions of a versioned bucket 30 days, a year where protected; an unversioned bucket has none', () => {
    const noncurrent = (t: Template) => (bucketOf(t)[1].Properties.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules.find((r) => r.NoncurrentVersionExpiration);
    expect(bucketOf(production)[1].Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(noncurrent(staging)).toEqual({ NoncurrentVersionExpiration: { NoncurrentDays: 30 }, Status: 'Enabled' });
    expect(noncurrent(production)).toEqual({ NoncurrentVersionExpiration: { NoncurrentDays: 365 }, Status: 'Enabled' });
    const search = estate.template('test-production-search');
    expect(bucketOf(search)[1].Properties.VersioningConfiguration).toBeUndefined();
    expect(noncurrent(search)).toBeUndefined();
  });

  it('is retained where the environment is protected and deleted elsewhere', () => {
    expect(bucketOf(production)[1]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    expect(bucketOf(staging)[1]).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    // No custom resource empties it: nothing but the bucket and its policy is added.
    expect(resources(staging).map(([, r]) => r.Type)).not.toContain('Custom::S3AutoDeleteObjects');
    expect(resources(staging).map(([, r]) => r.Type)).not.toContain('AWS::Lambda::Function');
  });

  it('lets the task role use this bucket and no other, and the key only through S3', () => {
    for (const name of ['visits', 'notify', 'nightly']) {
      const t = estate.template(`test-production-${name}`);
      const [id] = bucketOf(t);
      const s3 = taskRolePolicies(t).filter((s) => JSON.stringify(s.Action).includes('s3:'));
      expect(s3.map((s) => s.Resource)).toEqual([{ 'Fn::GetAtt': [id, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, '/*']] }]);
      expect(JSON.stringify(s3)).not.toMatch(/"s3:\*"/);
      expect(taskRolePolicies(t)).toContainEqual({
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: KEY,
        Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-2.amazonaws.com' } },
      });
    }
    expect(JSON.stringify(taskRolePolicies(estate.template('test-production-plain')))).not.toContain('s3:');
  });

  it('gives the container the bucket name as BUCKET_NAME', () => {
    const [id] = bucketOf(production);
    production.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'BUCKET_NAME', Value: { Ref: id } }]) })],
    });
    estate.template('test-production-plain').resourceCountIs('AWS::S3::Bucket', 0);
  });

  it('refuses an unknown bucket field, a versioned that is not a boolean, and a BUCKET_NAME of its own', () => {
    const at = (extra: string) => problemsOf({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits', extra) });
    expect(at('bucket:\n  public: true\n')).toEqual([expect.objectContaining({ field: 'bucket.public' })]);
    expect(at('bucket:\n  versioned: 1\n')).toEqual([expect.objectContaining({ field: 'bucket.versioned' })]);
    expect(at('bucket: {}\nenv:\n  BUCKET_NAME: mine\n')).toEqual([
      expect.objectContaining({ field: 'env.BUCKET_NAME', message: expect.stringMatching(/is set by cityplan to the name of the service's bucket/) }),
    ]);
    // Without a bucket the name is the service's own to use.
    expect(at('env:\n  BUCKET_NAME: mine\n')).toEqual([]);
  });
});
