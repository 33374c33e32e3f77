import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { NO_IMAGE_YET, recordedImage } from '../../src/delivery/image-record';
import { checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';

// GIVEN an estate that names its own repository, with production behind a manual approval
const ESTATE = MINIMAL_ESTATE.replace(
  /(connectionArn: .*)\n/,
  '$1\n  repo: example/estate\n',
).replace('    protect: true\n', '    protect: true\n    approval: true\n');
const worker = `name: tally
kind: worker
owner: team@example.gov.uk
image: public.ecr.aws/nginx/nginx:1.27
`;
const files = {
  'estate.yaml': ESTATE,
  'services/visits.yaml': webService('visits', 'source:\n  repo: example/visits\n  dockerfile: docker/Dockerfile\n  test: npm test\n').replace('source:\n  repo: example/visits\n', ''),
  'services/tally.yaml': worker,
};

type Stage = { Name: string; Actions: Array<{ Name: string; RunOrder?: number; ActionTypeId: { Category: string; Provider: string }; Configuration?: Record<string, unknown>; RoleArn?: unknown }> };
const stagesOf = (template: ReturnType<ReturnType<typeof compile>['template']>): Stage[] =>
  Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0]!.Properties.Stages as Stage[];

describe('service pipelines', () => {
  const estate = compile(files);

  it('builds a shared delivery stack and one pipeline stack per service, in the delivery account', () => {
    const delivery = estate.stacks.filter((s) => s.plan.environment === 'delivery');
    expect(delivery.map((s) => [s.plan.name, s.plan.role])).toEqual([
      ['test-delivery', 'delivery'],
      ['test-delivery-tally', 'pipeline'],
      ['test-delivery-visits', 'pipeline'],
    ]);
    for (const { stack } of delivery) expect([stack.account, stack.region]).toEqual(['111111111111', 'eu-west-2']);
  });

  it('runs the stages in order, with an approval exactly before the environments that ask for one', () => {
    const stages = stagesOf(estate.template('test-delivery-visits'));
    expect(stages.map((s) => s.Name)).toEqual(['Source', 'Build', 'Scan', 'staging', 'production']);
    expect(stages[0]!.Actions.map((a) => a.Name)).toEqual(['Service', 'Estate']);
    const order = (stage: Stage) => stage.Actions.map((a) => [a.RunOrder, a.Name]);
    expect(order(stages[3]!)).toEqual([[2, 'Deploy'], [3, 'Verify']]);
    expect(order(stages[4]!)).toEqual([[1, 'Approve'], [2, 'Deploy'], [3, 'Verify']]);
    // An image service builds nothing: its Build stage only packages its template, and nothing is scanned.
    const image = stagesOf(estate.template('test-delivery-tally'));
    expect(image.map((s) => s.Name)).toEqual(['Source', 'Build', 'staging', 'production']);
    expect(image[1]!.Actions.map((a) => a.Name)).toEqual(['Package']);
    estate.template('test-delivery-tally').resourceCountIs('AWS::ECR::Repository', 0);
  });

  it('starts on a push through the connection (no polling): the service branch, and the service’s manifest in the estate repository', () => {
    const template = estate.template('test-delivery-visits');
    template.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      PipelineType: 'V2',
      Triggers: [
        { ProviderType: 'CodeStarSourceConnection', GitConfiguration: { SourceActionName: 'Service', Push: [{ Branches: { Includes: ['main'] } }] } },
        {
          ProviderType: 'CodeStarSourceConnection',
          GitConfiguration: { SourceActionName: 'Estate', Push: [{ Branches: { Includes: ['main'] }, FilePaths: { Includes: ['estate.yaml', 'services/visits.yaml'] } }] },
        },
      ],
    });
    for (const source of stagesOf(template)[0]!.Actions) {
      expect(source.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeStarSourceConnection' });
      expect(source.Configuration).toMatchObject({ ConnectionArn: expect.stringContaining(':connection/') });
      expect(source.Configuration!.PollForSourceChanges).toBeUndefined();
    }
  });

  it('deploys each environment through its account’s CDK bootstrap roles, the template and image tag that cityplan package wrote', () => {
    const [, , , staging, production] = stagesOf(estate.template('test-delivery-visits'));
    const deploy = (stage: Stage) => stage.Actions.find((a) => a.Name === 'Deploy')!;
    expect(deploy(staging!).RoleArn).toBe('arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-2');
    expect(deploy(production!).RoleArn).toBe('arn:aws:iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-eu-west-2');
    expect(deploy(production!).Configuration).toMatchObject({
      ActionMode: 'CREATE_UPDATE',
      StackName: 'test-production-visits',
      RoleArn: 'arn:aws:iam::333333333333:role/cdk-hnb659fds-cfn-exec-role-333333333333-eu-west-2',
      TemplatePath: 'Templates::production/test-production-visits.template.json',
      TemplateConfiguration: 'Templates::production/test-production-visits.config.json',
    });
  });

  it('keeps images in a retained, immutable, scanned, KMS-encrypted repository that only the service’s environment accounts may pull from', () => {
    const template = estate.template('test-delivery-visits');
    template.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Retain',
      Properties: {
        RepositoryName: 'test/visits',
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: Match.anyValue() },
        LifecyclePolicy: Match.objectLike({ LifecyclePolicyText: Match.stringLikeRegexp('imageCountMoreThan') }),
        RepositoryPolicyText: {
          Statement: [
            {
              Sid: 'EnvironmentAccountsPull',
              Effect: 'Allow',
              Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
              Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
            },
          ],
          Version: '2012-10-17',
        },
      },
    });
  });

  it('owns the image records, starting at no image, so they leave with the service', () => {
    const template = estate.template('test-delivery-visits');
    const records = Object.values(template.findResources('AWS::SSM::Parameter')).map((p) => p.Properties as { Name: string; Value: string });
    expect(records.map((r) => r.Name).sort()).toEqual(
      ['production', 'staging'].map((e) => `/cityplan/test/delivery/visits/${e}/image-tag`),
    );
    for (const r of records) expect(r.Value).toBe(NO_IMAGE_YET);
    expect(recordedImage(NO_IMAGE_YET)).toBeUndefined();
    expect(recordedImage('3f2a9c1')).toBe('3f2a9c1');
  });

  it('gives the build project what one service needs and nothing of other services', () => {
    const template = estate.template('test-delivery-visits');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) => (p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>),
    );
    // No statement allows every action, nor any action of a service on every resource but the one ECR needs.
    for (const s of policies) {
      expect([s.Action].flat()).not.toContain('*');
      if (s.Resource === '*') expect(s.Action).toBe('ecr:GetAuthorizationToken');
    }
    const put = policies.find((s) => s.Action === 'ssm:PutParameter')!;
    expect(JSON.stringify(put.Resource)).toContain('parameter/cityplan/test/delivery/visits/staging/image-tag');
    expect(JSON.stringify(put.Resource)).not.toContain('tally');
    // The build step gets docker, and the image steps their buildspec from the manifest.
    template.hasResourceProperties('AWS::CodeBuild::Project', {
      Name: 'test-visits',
      Environment: { PrivilegedMode: true },
      Source: { BuildSpec: Match.stringLikeRegexp("docker build --file 'docker/Dockerfile'") },
      EncryptionKey: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::CodeBuild::Project', { Source: { BuildSpec: Match.stringLikeRegexp("-c 'npm test'") } });
    // A worker has no URL: its verify step reads its stack through the environment's deploy role.
    const tally = Object.values(estate.template('test-delivery-tally').findResources('AWS::IAM::Policy')).flatMap(
      (p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string; Resource: unknown }>,
    );
    expect(tally.find((s) => s.Action === 'sts:AssumeRole')!.Resource).toEqual([
      'arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-eu-west-2',
      'arn:aws:iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-eu-west-2',
    ]);
  });

  it('lets only the environments’ deploy roles read the artifacts', () => {
    const template = estate.template('test-delivery');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['s3:GetBucketLocation', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'],
            Principal: { AWS: ['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root'] },
            Condition: { ArnLike: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-*', 'arn:aws:iam::333333333333:role/cdk-hnb659fds-deploy-role-333333333333-*'] } },
          }),
        ]),
      },
    });
  });

  it('passes the policy packs, every exception acknowledged with a reason', () => {
    for (const name of ['test-delivery', 'test-delivery-visits', 'test-delivery-tally']) expect(checkPolicy(estate.stack(name)), name).toEqual([]);
  });

  it('builds no delivery stack for an estate that does not name its repository', () => {
    const plain = compile({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits') });
    expect(plain.stacks.filter((s) => s.plan.environment === 'delivery')).toEqual([]);
  });
});
