import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { managedRules } from '../../src/policy/config/managed-rules';
import { REMEDIATIONS } from '../../src/policy/config/remediations';
import { checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const withFields = (staging: string, production = '') =>
  MINIMAL_ESTATE.replace('    domain: staging.example.gov.uk\n', `    domain: staging.example.gov.uk\n${staging}`).replace('    protect: true\n', `    protect: true\n${production}`);

describe('AWS Config per environment', () => {
  const { app, template } = compile({ 'estate.yaml': withFields('    guardduty: true\n    config:\n      recorder: true\n'), 'services/visits.yaml': webService('visits') });
  app.synth();
  const staging = template('test-staging-foundation');
  const production = template('test-production-foundation');

  it('has the applicable managed rules, named per environment, with their parameters', () => {
    const unprotected = managedRules(30).filter((r) => !r.protectedOnly);
    staging.resourceCountIs('AWS::Config::ConfigRule', unprotected.length);
    production.resourceCountIs('AWS::Config::ConfigRule', managedRules(365).length);
    staging.hasResourceProperties('AWS::Config::ConfigRule', {
      ConfigRuleName: 'cityplan-test-staging-vpc-default-security-group-closed',
      Source: { Owner: 'AWS', SourceIdentifier: 'VPC_DEFAULT_SECURITY_GROUP_CLOSED' },
      Scope: { ComplianceResourceTypes: ['AWS::EC2::SecurityGroup'] },
    });
    // Retention is checked against what cityplan sets: 30 days unprotected, 365 protected.
    staging.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'CW_LOGGROUP_RETENTION_PERIOD_CHECK' }, InputParameters: { MinRetentionTime: '30' } });
    production.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'CW_LOGGROUP_RETENTION_PERIOD_CHECK' }, InputParameters: { MinRetentionTime: '365' } });
    // Deletion protection and Multi-AZ are what `protect` turns on: checked only where it is.
    production.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'ELB_DELETION_PROTECTION_ENABLED' } });
    expect(JSON.stringify(staging.toJSON())).not.toContain('ELB_DELETION_PROTECTION_ENABLED');
  });

  it('remediates the safe ones automatically, with retry limits, through a role of least privilege', () => {
    staging.resourceCountIs('AWS::Config::RemediationConfiguration', REMEDIATIONS.length);
    staging.hasResourceProperties('AWS::Config::RemediationConfiguration', {
      ConfigRuleName: { Ref: Match.stringLikeRegexp('vpcdefaultsecuritygroupclosed') },
      TargetType: 'SSM_DOCUMENT',
      TargetId: 'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules',
      Automatic: true,
      MaximumAutomaticAttempts: 5,
      RetryAttemptSeconds: 60,
      Parameters: { GroupId: { ResourceValue: { Value: 'RESOURCE_ID' } }, AutomationAssumeRole: { StaticValue: { Values: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('RemediationRole'), 'Arn'] }] } } },
    });
    staging.hasResourceProperties('AWS::Config::RemediationConfiguration', {
      TargetId: 'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock',
      Parameters: Match.objectLike({ BucketName: { ResourceValue: { Value: 'RESOURCE_ID' } }, BlockPublicPolicy: { StaticValue: { Values: ['true'] } } }),
    });
    const policies = Object.values(staging.findResources('AWS::IAM::ManagedPolicy')) as Array<{ Properties: { PolicyDocument: { Statement: Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> } } }>;
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
    for (const s of statements) {
      expect([s.Action].flat()).not.toContain('*');
      if (s.Resource === '*') expect(s.Action).toBe('ec2:DescribeSecurityGroups');
      else expect(s.Condition).toBeDefined();
    }
  });

  it('no longer closes the default security group with a custom resource', () => {
    staging.resourceCountIs('Custom::VpcRestrictDefaultSG', 0);
    // The one function left in the foundation is the environment's runbook responder.
    staging.resourceCountIs('AWS::Lambda::Function', 1);
    staging.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'test-staging-responder' });
  });

  it('records and delivers to a KMS-encrypted bucket only where asked', () => {
    staging.resourceCountIs('AWS::Config::ConfigurationRecorder', 1);
    staging.hasResourceProperties('AWS::Config::DeliveryChannel', { S3KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] }, S3KeyPrefix: 'config' });
    staging.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } })] },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 's3/_config/' },
    });
    // Rules wait for the recorder they need.
    const rules = Object.values(staging.findResources('AWS::Config::ConfigRule')) as Array<{ DependsOn?: string[] }>;
    for (const r of rules) expect(r.DependsOn?.some((d) => d.includes('Recorder'))).toBe(true);
    production.resourceCountIs('AWS::Config::ConfigurationRecorder', 0);
    production.resourceCountIs('AWS::Config::DeliveryChannel', 0);
  });

  it('has GuardDuty with ECS Fargate runtime monitoring only where asked', () => {
    staging.hasResourceProperties('AWS::GuardDuty::Detector', {
      Enable: true,
      Features: [{ Name: 'RUNTIME_MONITORING', Status: 'ENABLED', AdditionalConfiguration: [{ Name: 'ECS_FARGATE_AGENT_MANAGEMENT', Status: 'ENABLED' }] }],
    });
    production.resourceCountIs('AWS::GuardDuty::Detector', 0);
  });

  it('leaves nothing unacknowledged for the policy packs', () => {
    expect(checkPolicy(app)).toEqual([]);
  });
});

describe('one per account and region', () => {
  it('refuses two environments of one account and region that both ask for GuardDuty or the recorder', () => {
    const estate = withFields('    guardduty: true\n    config: { recorder: true }\n', '    guardduty: true\n    config: { recorder: true }\n').replace('"333333333333"', '"222222222222"');
    const problems = estateProblems({ 'estate.yaml': estate });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual(['estate.yaml:21 environments.production.guardduty', 'estate.yaml:22 environments.production.config.recorder']);
    expect(problems[0]!.message).toContain('environment staging already asks for the GuardDuty detector of account 222222222222 in eu-west-2');
  });

  it('allows it in other accounts or regions', () => {
    expect(estateProblems({ 'estate.yaml': withFields('    guardduty: true\n', '    guardduty: true\n') })).toEqual([]);
  });
});
