import { App, CfnResource, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { CityplanChecks } from '../../src/policy/cityplan-pack';
import { secretLooking } from '../../src/policy/rules/SecretVariables';
import { tagResources } from '../../src/policy/tags';

const TAGS = { 'cityplan:estate': 'e', 'cityplan:environment': 'staging', 'cityplan:service': 'visits', 'cityplan:owner': 'team@example.gov.uk' };

/** The Cityplan findings (rule names) of a stack built by `build`, after synthesis as a plan does it. */
function findings(rule: string, build: (stack: Stack) => void, props: StackProps = { tags: TAGS }): string[] {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Subject', { env: { account: '222222222222', region: 'eu-west-2' }, ...props });
  build(stack);
  tagResources(stack);
  app.synth();
  return new CityplanChecks()
    .validateScope(app)
    .violations.filter((v) => v.ruleName === `Cityplan-${rule}`)
    .flatMap((v) => v.violatingResources.map((r) => r.constructPath ?? ''));
}

const vpc = (s: Stack) => new ec2.Vpc(s, 'Vpc', { maxAzs: 2, natGateways: 0, restrictDefaultSecurityGroup: false });

function taskDefinition(s: Stack, container: Partial<ecs.ContainerDefinitionOptions> = {}, subscribe = true): ecs.FargateTaskDefinition {
  const logGroup = new logs.LogGroup(s, 'Logs');
  if (subscribe) new logs.CfnSubscriptionFilter(s, 'Subscription', { logGroupName: logGroup.logGroupName, filterPattern: '', destinationArn: 'arn:aws:firehose:eu-west-2:222222222222:deliverystream/x', roleArn: 'arn:aws:iam::222222222222:role/x' });
  const task = new ecs.FargateTaskDefinition(s, 'Task');
  task.addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('example/app:1'),
    user: '1000:1000',
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
    ...container,
  });
  return task;
}

describe('Cityplan-Tagged', () => {
  it('passes resources that carry the four tags', () => {
    expect(findings('Tagged', (s) => new sqs.Queue(s, 'Queue'))).toEqual([]);
  });
  it('reports a resource missing one, and a raw resource whose Tags lack them', () => {
    const { 'cityplan:owner': _, ...noOwner } = TAGS;
    expect(findings('Tagged', (s) => new sqs.Queue(s, 'Queue'), { tags: noOwner })).toEqual(['Subject/Queue/Resource']);
    expect(findings('Tagged', (s) => new CfnResource(s, 'Raw', { type: 'AWS::SQS::Queue', properties: { Tags: [{ Key: 'cityplan:estate', Value: 'e' }] } }))).toEqual(['Subject/Raw']);
  });
});

describe('Cityplan-ProtectedRedundancy', () => {
  const service = (desiredCount: number, zones: number) => (s: Stack) => {
    const v = new ec2.Vpc(s, 'Vpc', { maxAzs: zones, natGateways: 0, restrictDefaultSecurityGroup: false });
    const cluster = new ecs.Cluster(s, 'Cluster', { vpc: v });
    new ecs.FargateService(s, 'Service', { cluster, taskDefinition: taskDefinition(s), desiredCount, vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
  };
  it('passes 2 tasks over 2 zones in a protected environment', () => {
    expect(findings('ProtectedRedundancy', service(2, 2), { tags: TAGS, terminationProtection: true })).toEqual([]);
  });
  it('reports one task, or one zone, in a protected environment, and neither elsewhere', () => {
    expect(findings('ProtectedRedundancy', service(1, 2), { tags: TAGS, terminationProtection: true })).toEqual(['Subject/Service/Service']);
    expect(findings('ProtectedRedundancy', service(2, 1), { tags: TAGS, terminationProtection: true })).toEqual(['Subject/Service/Service']);
    expect(findings('ProtectedRedundancy', service(1, 1), { tags: TAGS })).toEqual([]);
  });
  it('reads the scalable target that owns the count', () => {
    const scaled = (min: number) => (s: Stack) => {
      service(2, 2)(s);
      (s.node.findChild('Service') as ecs.FargateService).autoScaleTaskCount({ minCapacity: min, maxCapacity: 4 });
    };
    expect(findings('ProtectedRedundancy', scaled(2), { tags: TAGS, terminationProtection: true })).toEqual([]);
    expect(findings('ProtectedRedundancy', scaled(1), { tags: TAGS, terminationProtection: true })).toEqual(['Subject/Service/Service']);
  });
});

describe('Cityplan-SecretVariables', () => {
  it('passes plain configuration', () => {
    expect(findings('SecretVariables', (s) => taskDefinition(s, { environment: { NODE_ENV: 'production', SEARCH_RESULTS_LIMIT: '25', API_URL: 'https://x' } }))).toEqual([]);
  });
  it('reports a secret-looking name or value, also in an escape-hatch override', () => {
    expect(findings('SecretVariables', (s) => taskDefinition(s, { environment: { DB_PASSWORD: 'x' } }))).toEqual(['Subject/Task/Resource']);
    expect(findings('SecretVariables', (s) => taskDefinition(s, { environment: { UPSTREAM: 'AKIAIOSFODNN7EXAMPLE' } }))).toEqual(['Subject/Task/Resource']);
    expect(
      findings('SecretVariables', (s) => {
        const task = taskDefinition(s);
        (task.node.defaultChild as ecs.CfnTaskDefinition).addPropertyOverride('ContainerDefinitions.0.Environment', [{ Name: 'GITHUB_TOKEN', Value: 'x' }]);
      }),
    ).toEqual(['Subject/Task/Resource']);
  });
  it('judges names by their words, not their letters', () => {
    expect(secretLooking('KEYCLOAK_URL', 'https://x')).toBe(false);
    expect(secretLooking('MONKEY_COUNT', '3')).toBe(false);
    expect(secretLooking('STRIPE_API_KEY', 'x')).toBe(true);
    expect(secretLooking('DATABASE_URL', 'postgres://app:hunter2@db:5432/app')).toBe(true);
  });
});

describe('Cityplan-DeploymentAlarms', () => {
  const web = (alarms: boolean) => (s: Stack) => {
    const v = vpc(s);
    const cluster = new ecs.Cluster(s, 'Cluster', { vpc: v });
    const service = new ecs.FargateService(s, 'Service', {
      cluster,
      taskDefinition: taskDefinition(s, { portMappings: [{ containerPort: 8080 }] }),
      ...(alarms ? { deploymentAlarms: { alarmNames: ['errors'], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM } } : {}),
    });
    const lb = new elbv2.ApplicationLoadBalancer(s, 'Lb', { vpc: v });
    lb.addListener('Http', { port: 80, open: false }).addTargets('App', { port: 8080, targets: [service] });
  };
  it('passes a web service whose deployment alarms roll back', () => {
    expect(findings('DeploymentAlarms', web(true))).toEqual([]);
  });
  it('reports a web service without them', () => {
    expect(findings('DeploymentAlarms', web(false))).toEqual(['Subject/Service/Service']);
  });
});

describe('Cityplan-LogPipeline', () => {
  it('passes a container whose log group is subscribed', () => {
    expect(findings('LogPipeline', (s) => taskDefinition(s))).toEqual([]);
  });
  it('reports one whose log group is not', () => {
    expect(findings('LogPipeline', (s) => taskDefinition(s, {}, false))).toEqual(['Subject/Task/Resource']);
  });
});

describe('Cityplan-WorldIngress', () => {
  const balancer = (port: number) => (s: Stack) => {
    const v = vpc(s);
    const group = new ec2.SecurityGroup(s, 'LbGroup', { vpc: v });
    group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(port));
    new elbv2.ApplicationLoadBalancer(s, 'Lb', { vpc: v, securityGroup: group, internetFacing: true });
  };
  it('passes a load balancer open on 443', () => {
    expect(findings('WorldIngress', balancer(443))).toEqual([]);
  });
  it('reports a load balancer open on another port, and any other group open to the world, raw ones too', () => {
    expect(findings('WorldIngress', balancer(22))).toEqual(['Subject/LbGroup/Resource']);
    expect(
      findings('WorldIngress', (s) => {
        const group = new ec2.SecurityGroup(s, 'Tasks', { vpc: vpc(s) });
        group.addIngressRule(ec2.Peer.anyIpv6(), ec2.Port.tcp(443));
      }),
    ).toEqual(['Subject/Tasks/Resource']);
    expect(
      findings('WorldIngress', (s) => {
        new CfnResource(s, 'RawIngress', { type: 'AWS::EC2::SecurityGroupIngress', properties: { GroupId: 'sg-1', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIp: '0.0.0.0/0' } });
      }),
    ).toEqual(['Subject/RawIngress']);
  });
});

describe('Cityplan-NonRootContainers', () => {
  it('passes a container with a non-root user', () => {
    expect(findings('NonRootContainers', (s) => taskDefinition(s, { user: 'app:app' }))).toEqual([]);
  });
  it('reports root, uid 0 and an unset user, unless acknowledged on the task definition', () => {
    expect(findings('NonRootContainers', (s) => taskDefinition(s, { user: 'root' }))).toEqual(['Subject/Task/Resource']);
    expect(findings('NonRootContainers', (s) => taskDefinition(s, { user: '0:0' }))).toEqual(['Subject/Task/Resource']);
    expect(findings('NonRootContainers', (s) => taskDefinition(s, { user: undefined }))).toEqual(['Subject/Task/Resource']);
    expect(
      findings('NonRootContainers', (s) => {
        const task = taskDefinition(s, { user: 'root' });
        Validations.of(task).acknowledge({ id: 'Cityplan-NonRootContainers', reason: 'The image binds port 80 and drops privileges itself.' });
      }),
    ).toEqual([]);
  });
});
