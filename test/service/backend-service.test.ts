import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { templateClaims } from '../../src/estate/claims';
import { environmentRoot } from '../../src/naming/names';
import { compile } from '../support/compile';
import { webService, STAGING_ESTATE as STAGING } from '../support/estate-files';

// One environment is enough here: what differs per environment is the web service's business.

const backend = (name: string, extra = '') => `name: ${name}
kind: backend
owner: team@example.gov.uk
image: public.ecr.aws/docker/library/python:3.12-alpine
${extra}`;
const worker = (name: string, extra = '') => `name: ${name}
kind: worker
owner: team@example.gov.uk
image: public.ecr.aws/docker/library/python:3.12-alpine
${extra}`;

const FILES = {
  'estate.yaml': STAGING,
  // GIVEN a backend with a health path that needs quoting and a long start-up
  'services/search.yaml': backend('search', "port: 8081\nhealth: /ready?deep=1&fast=0\nhealthGrace: 400\nscale:\n  cpu: 45\n"),
  // a backend whose image cannot run a health check, which itself calls search
  'services/ledger.yaml': backend('ledger', 'health: none\ncalls: [search]\n'),
  // a web service that calls search, a worker that calls search and a web service, that web service, and one nobody calls
  'services/visits.yaml': webService('visits', 'port: 3000\ncalls: [search]\n'),
  'services/notify.yaml': worker('notify', 'calls: [search, portal]\n'),
  'services/portal.yaml': webService('portal', 'port: 3001\n'),
  'services/lonely.yaml': webService('lonely'),
};

/** The parameter a template reads under `name`: its CloudFormation parameter's logical id. */
const parameterOf = (t: Template, name: string): string => {
  const found = Object.entries(t.toJSON().Parameters as Record<string, { Default?: string }>).find(([, p]) => p.Default === name);
  if (!found) throw new Error(`the template reads no parameter ${name}`);
  return found[0];
};
/** Inbound rules a template adds to groups other than its own (callees' groups). */
const callRules = (t: Template) =>
  Object.values(t.findResources('AWS::EC2::SecurityGroupIngress')).filter((r) => (r.Properties.GroupId as { Ref?: string }).Ref !== undefined);
const taskGroupId = (t: Template) => Object.keys(t.findResources('AWS::EC2::SecurityGroup'))[0]!;

describe('backend service stack and calls between services', () => {
  const estate = compile(FILES);
  const search = estate.template('test-staging-search');
  const ledger = estate.template('test-staging-ledger');
  const visits = estate.template('test-staging-visits');
  const notify = estate.template('test-staging-notify');
  const portal = estate.template('test-staging-portal');
  const lonely = estate.template('test-staging-lonely');
  const foundation = estate.template('test-staging-foundation');

  it('gives a backend no load balancer, no public route and no DNS record', () => {
    for (const type of [
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::ElasticLoadBalancingV2::ListenerRule',
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'AWS::Route53::RecordSet',
      'AWS::CertificateManager::Certificate',
    ]) {
      search.resourceCountIs(type, 0);
    }
    search.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'search',
      LoadBalancers: [],
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
    expect(JSON.stringify(search.toJSON())).not.toContain('Fn::ImportValue');
  });

  it("lets nothing into a backend's security group from its own stack", () => {
    const group = search.findResources('AWS::EC2::SecurityGroup');
    expect(Object.keys(group)).toHaveLength(1);
    expect(Object.values(group)[0]!.Properties.SecurityGroupIngress).toBeUndefined();
    search.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it("publishes a backend's task security group for its callers' stacks", () => {
    search.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/cityplan/test/staging/service/search/security-group-id',
      Value: { 'Fn::GetAtt': [taskGroupId(search), 'GroupId'] },
    });
  });

  it('serves a backend over Service Connect in the environment namespace as http://<service>:<port>', () => {
    search.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: { Ref: parameterOf(search, '/cityplan/test/staging/network/service-namespace-arn') },
        Services: [{ PortName: 'http', DiscoveryName: 'search', ClientAliases: [{ DnsName: 'search', Port: 8081 }] }],
        LogConfiguration: Match.objectLike({ LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-stream-prefix': 'service-connect' }) }),
      },
    });
    search.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ PortMappings: [Match.objectLike({ ContainerPort: 8081, Name: 'http' })] })],
    });
  });

  it('checks a backend from inside its container on its health path, with wget or else curl, after its grace period', () => {
    const url = "'http://127.0.0.1:8081/ready?deep=1&fast=0'";
    search.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          HealthCheck: {
            Command: ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`],
            Interval: 15,
            Timeout: 5,
            Retries: 3,
            // ECS allows a start period of at most 300 seconds; the service's grace covers the rest.
            StartPeriod: 300,
          },
        }),
      ],
    });
    search.hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 400 });
  });

  it('has no container health check with health: none', () => {
    ledger.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ HealthCheck: Match.absent() })],
    });
  });

  it('keeps every task serving through a deploy, rolls a failed one back, and scales on CPU only', () => {
    search.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true }, MinimumHealthyPercent: 100, MaximumPercent: 200 }),
    });
    search.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 45,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    search.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
  });

  it("opens each callee's port, and only that, to the caller's own tasks, one rule per callee in the caller's stack", () => {
    const cases: Array<[Template, Array<[string, number]>]> = [
      [visits, [['search', 8081]]],
      [notify, [['search', 8081], ['portal', 3001]]],
      [ledger, [['search', 8081]]],
    ];
    for (const [template, callees] of cases) {
      const rules = callRules(template);
      expect(rules).toHaveLength(callees.length);
      for (const [callee, port] of callees) {
        template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
          GroupId: { Ref: parameterOf(template, `/cityplan/test/staging/service/${callee}/security-group-id`) },
          SourceSecurityGroupId: { 'Fn::GetAtt': [taskGroupId(template), 'GroupId'] },
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
        });
      }
    }
    // A service that calls nothing opens nothing elsewhere.
    expect(callRules(lonely)).toHaveLength(0);
    expect(callRules(search)).toHaveLength(0);
  });

  it('makes callers Service Connect clients (the namespace, nothing served) and leaves other services out of it', () => {
    const namespaceOf = (t: Template) => ({ Ref: parameterOf(t, '/cityplan/test/staging/network/service-namespace-arn') });
    visits.hasResourceProperties('AWS::ECS::Service', { ServiceConnectConfiguration: Match.objectLike({ Enabled: true, Namespace: namespaceOf(visits), Services: Match.absent() }) });
    notify.hasResourceProperties('AWS::ECS::Service', { ServiceConnectConfiguration: Match.objectLike({ Enabled: true, Namespace: namespaceOf(notify), Services: Match.absent() }) });
    // A backend that calls is a server already, and reaches what it calls through the same proxy.
    ledger.hasResourceProperties('AWS::ECS::Service', { ServiceConnectConfiguration: Match.objectLike({ Services: [Match.objectLike({ DiscoveryName: 'ledger' })] }) });
    lonely.hasResourceProperties('AWS::ECS::Service', { ServiceConnectConfiguration: Match.absent() });
  });

  it('makes a web service a Service Connect server, publishing its group, only while some service calls it', () => {
    portal.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({ Services: [{ PortName: 'http', DiscoveryName: 'portal', ClientAliases: [{ DnsName: 'portal', Port: 3001 }] }] }),
    });
    portal.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cityplan/test/staging/service/portal/security-group-id' });
    lonely.resourcePropertiesCountIs('AWS::SSM::Parameter', { Name: Match.stringLikeRegexp('security-group-id$') }, 0);
    // Joining the service network adds to a web service's stack; it renames nothing in it.
    const uncalled = compile({ ...FILES, 'services/notify.yaml': worker('notify', 'calls: [search]\n') }).template('test-staging-portal');
    uncalled.hasResourceProperties('AWS::ECS::Service', { ServiceConnectConfiguration: Match.absent() });
    const ids = (t: Template) => Object.keys(t.toJSON().Resources as object);
    expect(ids(portal)).toEqual(expect.arrayContaining(ids(uncalled)));
    expect(ids(portal).filter((id) => !ids(uncalled).includes(id))).toEqual([expect.stringMatching(/^CallableSecurityGroup/)]);
  });

  it('deploys a caller after the services it calls, even one named after it', () => {
    const after = (stack: string) => estate.stack(stack).dependencies.map((d) => d.stackName);
    expect(after('test-staging-notify')).toEqual(expect.arrayContaining(['test-staging-search', 'test-staging-portal']));
    expect(after('test-staging-ledger')).toContain('test-staging-search');
  });

  it("changes only the caller's stack when a caller is added or removed", () => {
    const without = compile({ ...FILES, 'services/visits.yaml': webService('visits', 'port: 3000\n') });
    for (const name of ['test-staging-search', 'test-staging-ledger', 'test-staging-notify', 'test-staging-portal', 'test-staging-foundation']) {
      expect(without.template(name).toJSON(), name).toEqual(estate.template(name).toJSON());
    }
    expect(without.template('test-staging-visits').toJSON()).not.toEqual(visits.toJSON());
  });

  it("creates the environment's namespace in the foundation and publishes it", () => {
    foundation.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: 'staging.test.internal',
      Vpc: { Ref: Match.stringLikeRegexp('^Network') },
    });
    const namespace = Object.keys(foundation.findResources('AWS::ServiceDiscovery::PrivateDnsNamespace'))[0]!;
    foundation.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/cityplan/test/staging/network/service-namespace-arn',
      Value: { 'Fn::GetAtt': [namespace, 'Arn'] },
    });
  });

  it("claims a backend's Service Connect names and a caller's rule on the callee's published group", () => {
    const assembly = estate.app.synth();
    const claimsOf = (stack: string) => templateClaims(assembly.getStackByName(stack).template, stack, environmentRoot('test', 'staging'));
    expect(claimsOf('test-staging-search').claims).toEqual(
      expect.arrayContaining([
        'AWS::ECS::Service {network/service-namespace-arn} discovery search',
        'AWS::ECS::Service {network/service-namespace-arn} alias search:8081',
        'AWS::SSM::Parameter /cityplan/test/staging/service/search/security-group-id',
      ]),
    );
    const visitsClaims = claimsOf('test-staging-visits');
    expect(visitsClaims.claims.filter((c) => c.startsWith('AWS::EC2::SecurityGroupIngress'))).toEqual([
      expect.stringMatching(/^AWS::EC2::SecurityGroupIngress \{service\/search\/security-group-id\} tcp 8081-8081 from test-staging-visits:TaskSecurityGroup\w+\.GroupId$/),
    ]);
    expect(visitsClaims.duplicates).toEqual([]);
    expect(claimsOf('test-staging-foundation').claims).toContain('AWS::ServiceDiscovery::PrivateDnsNamespace staging.test.internal');
  });
});
