import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE } from '../support/estate-files';

describe('foundation stack', () => {
  // GIVEN an estate with an unprotected staging (2 zones, zone created) and a protected production (3 zones, existing zone)
  const estate = compile({ 'estate.yaml': MINIMAL_ESTATE });
  const staging = estate.template('test-staging-foundation');
  const production = estate.template('test-production-foundation');

  it('spreads private task subnets over the environment zones, with flow logs', () => {
    production.resourceCountIs('AWS::EC2::Subnet', 6);
    production.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 6);
    for (const zone of ['eu-west-2a', 'eu-west-2b', 'eu-west-2c']) {
      production.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: zone, CidrBlock: Match.stringLikeRegexp('/20$') });
    }
    staging.resourceCountIs('AWS::EC2::Subnet', 4);
    production.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('gives a protected environment a NAT gateway per zone and others one, plus a free S3 gateway endpoint', () => {
    production.resourceCountIs('AWS::EC2::NatGateway', 3);
    staging.resourceCountIs('AWS::EC2::NatGateway', 1);
    production.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  });

  it('runs a cluster with Container Insights and Fargate capacity providers', () => {
    production.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: 'test-production',
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    production.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: Match.arrayWith(['FARGATE', 'FARGATE_SPOT']),
    });
  });

  it('has a rotating KMS key that CloudWatch Logs may use, and encrypts log groups with it', () => {
    production.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'logs.eu-west-2.amazonaws.com' } }),
        ]),
      },
    });
    const groups = production.findResources('AWS::Logs::LogGroup');
    expect(Object.keys(groups).length).toBeGreaterThan(0);
    for (const g of Object.values(groups)) expect(g.Properties.KmsKeyId).toBeDefined();
  });

  it('keeps access logs in a private, TLS-only, versioned bucket that load balancers may write to', () => {
    production.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    production.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Action: 's3:PutObject', Principal: { AWS: Match.anyValue() } }),
        ]),
      },
    });
  });

  it('creates the hosted zone and shows its name servers when no zoneId is given, and imports it otherwise', () => {
    staging.resourceCountIs('AWS::Route53::HostedZone', 1);
    staging.hasOutput('NameServers', {});
    production.resourceCountIs('AWS::Route53::HostedZone', 0);
  });

  it('issues no certificate itself, so that a new zone never holds up the foundation', () => {
    staging.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    production.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });

  it('leaves the DNS-validated wildcard certificate to a stack of its own, which publishes it', () => {
    const certificate = estate.template('test-production-certificate');
    certificate.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: '*.example.gov.uk',
      SubjectAlternativeNames: ['example.gov.uk'],
      ValidationMethod: 'DNS',
      // The zone is whichever the foundation published: created or imported.
      DomainValidationOptions: Match.arrayWith([Match.objectLike({ HostedZoneId: { Ref: Match.stringLikeRegexp('dnszoneid') } })]),
    });
    certificate.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cityplan/test/production/dns/wildcard-certificate-arn' });
    expect(estate.stacks.find((s) => s.plan.name === 'test-production-certificate')!.plan.dependsOn).toEqual(['test-production-foundation']);
    expect(estate.stacks.find((s) => s.plan.name === 'test-production-ingress-0')).toBeUndefined();
  });

  it('runs one web ACL of AWS managed rule groups, with logging', () => {
    production.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' } } }),
        Match.objectLike({ Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' } } }),
      ]),
    });
    production.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
    production.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: 'aws-waf-logs-test-production' });
  });

  it('publishes what service stacks need as SSM parameters, not exports', () => {
    for (const name of [
      '/cityplan/test/production/network/vpc-id',
      '/cityplan/test/production/network/private-subnet-2',
      '/cityplan/test/production/cluster/name',
      '/cityplan/test/production/key/arn',
      '/cityplan/test/production/alerts/topic-arn',
      '/cityplan/test/production/dns/zone-id',
    ]) {
      production.hasResourceProperties('AWS::SSM::Parameter', { Name: name });
    }
    expect(Object.values(production.toJSON().Outputs ?? {}).some((o) => (o as { Export?: unknown }).Export)).toBe(false);
  });

  it('sends alarms to an encrypted topic with every alert address subscribed', () => {
    production.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    production.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'alerts@example.gov.uk' });
  });

  it('protects the stacks of a protected environment from deletion', () => {
    expect(estate.stack('test-production-foundation').terminationProtection).toBe(true);
    expect(estate.stack('test-staging-foundation').terminationProtection).toBe(false);
  });
});
