import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { Placement } from '../estate/lock';
import { parameter, resourceName } from '../naming/names';
import type { ServiceSpec } from '../manifest/spec';
import type { EnvironmentStackProps } from '../platform/props';
import { importVpc, published } from '../platform/imports';
import { logRetention } from '../platform/retention';
import { serviceImage } from './service-image';
import { grantKeyThroughSecretsManager, serviceSecrets } from './service-secrets';
import { TaskScaling } from './task-scaling';
import { WebAddresses } from './web-addresses';
import { WebAlarms } from './web-alarms';

export interface WebServiceStackProps extends EnvironmentStackProps {
  readonly service: ServiceSpec;
  /** Shard and listener-rule priority from the lock. */
  readonly placement: Placement;
  /** Account holding the service's image repository (the delivery account). */
  readonly deliveryAccount: string;
  /** Region of the image repository. */
  readonly deliveryRegion: string;
  /**
   * Which life of the service this is (from the lock): 2 and later when an earlier life was
   * removed and left retained resources, whose names this life must not reuse.
   * @default 1
   */
  readonly incarnation?: number;
}

/**
 * A web service: Fargate tasks spread over the environment's zones behind its shard's load
 * balancer, reachable at <service>.<domain> (and any extra hostnames), scaled on CPU and requests,
 * rolled back automatically when a deployment fails or its error-rate alarm fires.
 *
 * No custom resources and no Lambda: everything shared is read from SSM parameters at deploy time.
 */
export class WebServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: WebServiceStackProps) {
    // Stack tags: CloudFormation puts them on every resource it can, with no aspect walking the tree.
    const ownership = { 'cityplan:service': props.service.name, ...(props.service.owner ? { 'cityplan:owner': props.service.owner } : {}) };
    super(scope, id, { ...props, tags: { ...props.tags, ...ownership } });
    const { estate, environment: env, service, placement } = props;
    if (service.kind !== 'web') throw new Error(`WebServiceStack needs a web service; ${service.name} is a ${service.kind}`);
    const shardValue = (key: Parameters<typeof parameter.shard>[3]) => published(this, parameter.shard(estate, env.name, placement.shard, key));


    const vpc = importVpc(this, estate, env, 'private');
    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: published(this, parameter.clusterName(estate, env.name)),
      vpc,
    });
    const key = kms.Key.fromKeyArn(this, 'Key', published(this, parameter.keyArn(estate, env.name)));

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: resourceName.serviceLogGroup(estate, env.name, service.name, props.incarnation),
      encryptionKey: key,
      retention: logRetention(env.protect),
      removalPolicy: env.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    const task = new ecs.FargateTaskDefinition(this, 'Task', {
      family: resourceName.taskFamily(estate, env.name, service.name),
      cpu: service.cpu,
      memoryLimitMiB: service.memory,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    const container = task.addContainer('app', {
      image: serviceImage(this, props),
      portMappings: [{ containerPort: service.port, name: 'http' }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: service.name }),
      readonlyRootFilesystem: true,
      environment: { ...service.env, CITYPLAN_SERVICE: service.name, CITYPLAN_ENVIRONMENT: env.name },
      secrets: serviceSecrets(this, service.secrets, { estate, environment: env.name, service: service.name }),
    });
    if (service.secrets.length > 0) grantKeyThroughSecretsManager(task.obtainExecutionRole(), key, this.region);
    Validations.of(task.obtainExecutionRole()).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'The execution role policy is generated from this task definition alone (its log group, image repository, secrets); it lives and dies with the role and is never shared.',
    });
    if (!service.image) {
      Validations.of(task.obtainExecutionRole()).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ecr:GetAuthorizationToken has no resource-level permissions; the image pull itself is limited to the service repository.',
      });
    }
    // A read-only root file system still needs somewhere to write scratch files.
    task.addVolume({ name: 'tmp' });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    Validations.of(task).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'Environment variables hold plain configuration only; secrets come from Secrets Manager through the secrets field.',
    });

    // A target group can serve one load balancer. A service moving shard gets a new one (a new
    // logical id), so CloudFormation creates it for the new shard's rule before it deletes the old
    // group with the old rule. Shard 0 keeps the id target groups have always had.
    const targets = new elbv2.ApplicationTargetGroup(this, placement.shard === 0 ? 'Targets' : `TargetsOnShard${placement.shard}`, {
      vpc,
      port: service.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: service.health,
        healthyHttpCodes: '200-399',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: shardValue('listener-arn'),
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(this, 'LoadBalancerSecurityGroup', shardValue('security-group-id')),
    });
    const hosts = [resourceName.serviceHost(service.name, env.domain), ...service.hostnames];
    new elbv2.ApplicationListenerRule(this, 'Route', {
      listener,
      priority: placement.priority,
      conditions: [elbv2.ListenerCondition.hostHeaders(hosts)],
      targetGroups: [targets],
    });

    const albFullName = shardValue('full-name');
    const alarms = new WebAlarms(this, 'Alarms', {
      estate,
      environment: env,
      service,
      loadBalancerFullName: albFullName,
      targetGroupFullName: targets.targetGroupFullName,
      topicArn: published(this, parameter.alertsTopicArn(estate, env.name)),
    });

    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: `cityplan ${estate}/${env.name}/${service.name} tasks`,
      allowAllOutbound: true,
    });
    const fargate = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      serviceName: service.name,
      securityGroups: [securityGroup],
      vpcSubnets: { subnets: vpc.privateSubnets },
      assignPublicIp: false,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      healthCheckGracePeriod: Duration.seconds(60),
      circuitBreaker: { enable: true, rollback: true },
      deploymentAlarms: { alarmNames: [alarms.errorRate.alarmName], behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
      availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
      capacityProviderStrategies:
        env.capacity === 'spot'
          ? [
              // One task always on regular Fargate, so a Spot reclaim never takes the whole service down.
              { capacityProvider: 'FARGATE', base: 1, weight: 0 },
              { capacityProvider: 'FARGATE_SPOT', weight: 1 },
            ]
          : [{ capacityProvider: 'FARGATE', weight: 1 }],
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });
    fargate.attachToApplicationTargetGroup(targets);

    new TaskScaling(this, 'Scaling', {
      service: fargate,
      min: Math.max(service.count.min, env.protect ? 2 : 1),
      max: service.count.max,
      cpu: service.scale.cpu,
      requests: { perTarget: service.scale.requestsPerTarget, resourceLabel: `${albFullName}/${targets.targetGroupFullName}` },
    });
    new WebAddresses(this, 'Addresses', {
      hostnames: hosts,
      domain: env.domain,
      zoneId: published(this, parameter.zoneId(estate, env.name)),
      loadBalancer: { dnsName: shardValue('dns-name'), canonicalZoneId: shardValue('canonical-zone-id') },
      listener,
    });
  }
}
