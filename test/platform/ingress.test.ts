import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compile } from '../support/compile';
import { generatedEstateFiles, MINIMAL_ESTATE, webService } from '../support/estate-files';

describe('ingress shard stack', () => {
  // GIVEN one web service in each environment
  const estate = compile({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits') });
  const production = estate.template('test-production-ingress-0');
  const staging = estate.template('test-staging-ingress-0');

  it('is an internet-facing ALB in the public subnets of every zone, dropping invalid headers', () => {
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Subnets: Match.arrayEquals([Match.anyValue(), Match.anyValue(), Match.anyValue()]),
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
  });

  it('listens on HTTPS with a TLS 1.2+ policy and answers unknown hosts with a fixed 404', () => {
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Not found' } }],
    });
  });

  it('redirects HTTP to HTTPS', () => {
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
  });

  it('writes access logs and is deletion-protected only where the environment is protected', () => {
    const attributes = (t: typeof production) =>
      Object.values(t.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]!.Properties.LoadBalancerAttributes as Array<{ Key: string; Value: unknown }>;
    const prod = Object.fromEntries(attributes(production).map((a) => [a.Key, a.Value]));
    const stag = Object.fromEntries(attributes(staging).map((a) => [a.Key, a.Value]));
    expect(prod['access_logs.s3.enabled']).toBe('true');
    expect(prod['access_logs.s3.prefix']).toBe('ingress/0');
    expect(prod['deletion_protection.enabled']).toBe('true');
    expect(stag['deletion_protection.enabled']).toBe('false');
  });

  it('is protected by the environment web ACL', () => {
    production.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
  });

  it('publishes its listener and security group for service stacks', () => {
    production.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cityplan/test/production/ingress/0/listener-arn' });
    production.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cityplan/test/production/ingress/0/security-group-id' });
  });

  it('sends traffic only into the VPC: one egress rule to its range, none to the internet', () => {
    const groups = Object.values(production.findResources('AWS::EC2::SecurityGroup')) as Array<{ Properties: { SecurityGroupEgress?: Array<Record<string, unknown>> } }>;
    expect(groups).toHaveLength(1);
    const egress = groups[0]!.Properties.SecurityGroupEgress!;
    expect(egress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535, CidrIp: { Ref: expect.stringMatching(/^SsmParameterValuecityplantestproductionnetworkvpccidr/) } }),
    ]);
    for (const rule of egress) expect(rule.CidrIp).not.toBe('0.0.0.0/0');
    expect(Object.values(production.toJSON().Parameters as Record<string, { Default?: string }>).map((p) => p.Default)).toContain('/cityplan/test/production/network/vpc-cidr');
    production.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  it('still lets each service admit it on the service port, and adds no egress rule from the service stack', () => {
    const service = estate.template('test-production-visits');
    service.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { Ref: Match.stringLikeRegexp('^SsmParameterValuecityplantestproductioningress0securitygroupid') },
    });
    service.resourceCountIs('AWS::EC2::SecurityGroupEgress', 0);
  });

  it('opens a second shard once the first carries 95 services', () => {
    const big = compile(generatedEstateFiles(100, 1));
    expect(big.stacks.map((s) => s.stack.stackName).filter((n) => n.includes('-ingress-'))).toEqual([
      'test-staging-ingress-0',
      'test-staging-ingress-1',
    ]);
  });
});
