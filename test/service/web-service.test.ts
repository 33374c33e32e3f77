import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';

describe('web service stack', () => {
  // GIVEN a web service with secrets, an extra hostname outside the wildcard and per-environment counts
  const estate = compile({
    'estate.yaml': `${MINIMAL_ESTATE}  sandbox:\n    account: "444444444444"\n    domain: sandbox.example.gov.uk\n    capacity: spot\n`,
    'services/visits.yaml': webService(
      'visits',
      [
        'port: 3000',
        'health: /ping',
        'cpu: 512',
        'memory: 1024',
        'secrets: [SESSION_SECRET]',
        'env:\n  API_URL: https://api.example.gov.uk',
        'scale:\n  cpu: 55\n  requestsPerTarget: 700',
        'alarms:\n  errorRate: 2\n  latencyP99: 1500',
        'environments:\n  production:\n    count:\n      min: 3\n      max: 9\n    hostnames: [visits.service.example.gov.uk]',
      ].join('\n') + '\n',
    ),
  });
  const production = estate.template('test-production-visits');
  const staging = estate.template('test-staging-visits');

  it('stays small: no more than 37 resources, no Lambda and no custom resource', () => {
    for (const t of [production, staging]) {
      const resources = Object.values(t.toJSON().Resources) as Array<{ Type: string }>;
      // 25 for the service itself, 6 for seeing it: its log subscription, error-line filter, log
      // anomaly detector and alarm, and its two traffic anomaly alarms (observability/), and 6 for
      // the responder: 3 log metric filters, 2 log alarms, the settings parameter (operations/).
      expect(resources.length).toBeLessThanOrEqual(37);
      expect(resources.filter((r) => r.Type === 'AWS::Lambda::Function' || r.Type.startsWith('Custom::'))).toEqual([]);
    }
  });

  it('runs Fargate tasks in private subnets of every zone without public IPs', () => {
    production.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'visits',
      NetworkConfiguration: {
        AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: Match.arrayEquals([Match.anyValue(), Match.anyValue(), Match.anyValue()]) },
      },
    });
  });

  it('rolls back a failed deployment, and one whose error-rate alarm fires', () => {
    production.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: {
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('^AlarmsErrorRate') }], Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
      },
    });
  });

  it('keeps the root file system read-only and gives the task a writable /tmp', () => {
    production.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '512',
      Memory: '1024',
      ContainerDefinitions: [
        Match.objectLike({
          ReadonlyRootFilesystem: true,
          PortMappings: [Match.objectLike({ ContainerPort: 3000 })],
          MountPoints: [{ ContainerPath: '/tmp', SourceVolume: 'tmp', ReadOnly: false }],
          Secrets: [Match.objectLike({ Name: 'SESSION_SECRET', ValueFrom: Match.anyValue() })],
          Environment: Match.arrayWith([{ Name: 'API_URL', Value: 'https://api.example.gov.uk' }]),
        }),
      ],
    });
  });

  it('owns its secrets under the service namespace (see secrets.test.ts)', () => {
    production.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'test/production/visits/SESSION_SECRET' });
  });

  it('routes its host names to its target group at the priority from the lock, health-checked on its path', () => {
    const placement = estate.allocation.get('production')!.placements.visits!;
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: placement.priority,
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['visits.example.gov.uk', 'visits.service.example.gov.uk'] } }],
    });
    production.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Port: 3000,
      HealthCheckPath: '/ping',
    });
  });

  it('brings its own certificate for a hostname the wildcard does not cover, as an SNI certificate on the listener', () => {
    production.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'visits.service.example.gov.uk' });
    production.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerCertificate', 1);
    staging.resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });

  it('publishes alias records in the environment zone', () => {
    production.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'visits.example.gov.uk.', Type: 'A' });
    production.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'visits.service.example.gov.uk.', Type: 'A' });
  });

  it('scales between the environment counts on CPU and on requests per target', () => {
    production.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 3,
      MaxCapacity: 9,
      RoleARN: Match.stringLikeRegexp('AWSServiceRoleForApplicationAutoScaling_ECSService'),
    });
    // Two roles only: the task's (no permissions) and the execution role.
    production.resourceCountIs('AWS::IAM::Role', 2);
    staging.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 4 });
    production.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 55,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      }),
    });
    production.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 700,
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
      }),
    });
  });

  it('alarms on 5xx rate, p99 latency and unhealthy hosts, telling the alerts topic', () => {
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-production-visits-error-rate',
      Threshold: 2,
      AlarmActions: [Match.anyValue()],
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' })]),
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-production-visits-latency-p99',
      Threshold: 1.5,
      ExtendedStatistic: 'p99',
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'test-production-visits-unhealthy-hosts', MetricName: 'UnHealthyHostCount' });
  });

  it('logs to an encrypted group with retention, kept in protected environments', () => {
    production.hasResource('AWS::Logs::LogGroup', {
      Properties: { LogGroupName: '/cityplan/test/production/visits', RetentionInDays: 365, KmsKeyId: Match.anyValue() },
      DeletionPolicy: 'Retain',
    });
    staging.hasResource('AWS::Logs::LogGroup', { Properties: Match.objectLike({ RetentionInDays: 30 }), DeletionPolicy: 'Delete' });
  });

  it('uses Fargate Spot with one on-demand task where the environment asks for spot', () => {
    estate.template('test-sandbox-visits').hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 0 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
      ],
    });
  });

  it('tags every resource with its estate, environment, service and owner through the stack', () => {
    expect(estate.stack('test-production-visits').tags.tagValues()).toEqual({
      'cityplan:estate': 'test',
      'cityplan:environment': 'production',
      'cityplan:service': 'visits',
      'cityplan:owner': 'team@example.gov.uk',
    });
  });

  it('pulls its image from the delivery account at the tag the pipeline sets', () => {
    const template = production.toJSON();
    expect(template.Parameters.ImageTag).toMatchObject({ Type: 'String' });
    expect(JSON.stringify(template)).toContain('111111111111.dkr.ecr.eu-west-2');
  });

  it('grants no IAM action on every resource', () => {
    const policies = production.findResources('AWS::IAM::Policy');
    for (const policy of Object.values(policies)) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>) {
        const actions = [statement.Action].flat();
        expect(actions.includes('*') && statement.Resource === '*').toBe(false);
        if (statement.Resource === '*') expect(actions).toEqual(['ecr:GetAuthorizationToken']);
      }
    }
  });

  it('finds shared values through SSM parameters, never through imports of exports', () => {
    expect(JSON.stringify(production.toJSON())).not.toContain('Fn::ImportValue');
    expect(production.toJSON().Parameters).toMatchObject({
      [Object.keys(production.toJSON().Parameters).find((k) => k.includes('clustername'))!]: {
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: '/cityplan/test/production/cluster/name',
      },
    });
  });
});

describe('a prebuilt image in a private ECR repository', () => {
  it('is pulled by the execution role with pull rights on that repository only, and runs as a non-root user', () => {
    const image = '123456789012.dkr.ecr.eu-west-2.amazonaws.com/justice/visits:abc123';
    const estate = compile({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': `name: visits\nkind: web\nimage: ${image}\n` });
    const t = estate.template('test-staging-visits');
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ User: '1000:1000', Image: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('justice/visits:abc123')])]) }) })],
    });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
            Resource: 'arn:aws:ecr:eu-west-2:123456789012:repository/justice/visits',
          }),
        ]),
      },
    });
  });
});
