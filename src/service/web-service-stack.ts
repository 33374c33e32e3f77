import { CfnParameter, Duration, RemovalPolicy, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { Placement } from '../estate/lock';
import { parameter, resourceName } from '../estate/naming';
import { coveredByWildcard, isInZone, type ServiceSpec } from '../manifest/spec';
import type { EnvironmentStackProps } from '../platform/props';
import { importVpc, published } from '../platform/imports';
import { logRetention } from '../platform/retention';
import { WebAlarms } from './web-alarms';

export interface WebServiceStackProps extends EnvironmentStackProps {
  readonly service: ServiceSpec;
  /** Shard and listener-rule priority from the lock. */
  readonly placement: Placement;
  /** Account holding the service's image repository (the delivery account). */
  readonly deliveryAccount: string;
  /** Region of the image repository. */
  readonly deliveryRegion: string;
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
    super(scope, id, props);
    const { estate, environment: env, service, placement } = props;
    if (service.kind !== 'web') throw new Error(`WebServiceStack needs a web service; ${service.name} is a ${service.kind}`);
    const shardValue = (key: Parameters<typeof parameter.shard>[3]) => published(this, parameter.shard(estate, env.name, placement.shard, key));

    Tags.of(this).add('cityplan:service', service.name);
    if (service.owner) Tags.of(this).add('cityplan:owner', service.owner);

    const vpc = importVpc(this, estate, env, 'private');
    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: published(this, parameter.clusterName(estate, env.name)),
      vpc,
    });
    const key = kms.Key.fromKeyArn(this, 'Key', published(this, parameter.keyArn(estate, env.name)));

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: resourceName.serviceLogGroup(estate, env.name, service.name),
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
      image: this.image(props),
      portMappings: [{ containerPort: service.port, name: 'http' }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: service.name }),
      readonlyRootFilesystem: true,
      environment: { ...service.env, CITYPLAN_SERVICE: service.name, CITYPLAN_ENVIRONMENT: env.name },
      secrets: this.secrets(props),
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

    const targets = new elbv2.ApplicationTargetGroup(this, 'Targets', {
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

    this.scaling(props, fargate, `${albFullName}/${targets.targetGroupFullName}`);
    this.addresses(props, shardValue('dns-name'), shardValue('canonical-zone-id'));
    this.certificate(props, listener);
  }

  /** A prebuilt image, or the service's repository in the delivery account at the tag the pipeline deployed. */
  private image(props: WebServiceStackProps): ecs.ContainerImage {
    if (props.service.image) return ecs.ContainerImage.fromRegistry(props.service.image);
    // The pipeline deploys this stack with ImageTag set to the commit it built; an estate-wide
    // deploy keeps the previous value, so it never rolls a service back to an older image.
    const tag = new CfnParameter(this, 'ImageTag', {
      type: 'String',
      default: 'latest',
      description: 'Image tag to run; set by the service pipeline',
    });
    const repositoryName = resourceName.imageRepository(props.estate, props.service.name);
    const repository = ecr.Repository.fromRepositoryAttributes(this, 'Repository', {
      repositoryName,
      repositoryArn: Stack.of(this).formatArn({
        service: 'ecr',
        account: props.deliveryAccount,
        region: props.deliveryRegion,
        resource: 'repository',
        resourceName: repositoryName,
      }),
    });
    return ecs.ContainerImage.fromEcrRepository(repository, tag.valueAsString);
  }

  private secrets(props: WebServiceStackProps): Record<string, ecs.Secret> {
    const { estate, environment: env, service } = props;
    return Object.fromEntries(
      service.secrets.map((name) => {
        const secret = secretsmanager.Secret.fromSecretNameV2(this, `Secret-${name}`, resourceName.secret(estate, env.name, service.name, name));
        return [name, ecs.Secret.fromSecretsManager(secret)];
      }),
    );
  }

  private scaling(props: WebServiceStackProps, fargate: ecs.FargateService, requestResourceLabel: string): void {
    const { service } = props;
    const target = new appscaling.ScalableTarget(this, 'Scaling', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${fargate.cluster.clusterName}/${fargate.serviceName}`,
      minCapacity: Math.max(service.count.min, props.environment.protect ? 2 : 1),
      maxCapacity: service.count.max,
      // ECS's service-linked role, as the ECS constructs use: no role of our own per service.
      role: iam.Role.fromRoleArn(
        this,
        'ScalingRole',
        this.formatArn({
          region: '',
          service: 'iam',
          resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
          resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
        }),
      ),
    });
    target.scaleToTrackMetric('Cpu', {
      predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
      targetValue: service.scale.cpu,
    });
    target.scaleToTrackMetric('Requests', {
      predefinedMetric: appscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
      resourceLabel: requestResourceLabel,
      targetValue: service.scale.requestsPerTarget,
    });
  }

  /** Alias records for every name in the environment's zone; names elsewhere are delegated by their owners. */
  private addresses(props: WebServiceStackProps, dnsName: string, canonicalZoneId: string): void {
    const { estate, environment: env, service } = props;
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: published(this, parameter.zoneId(estate, env.name)),
      zoneName: env.domain,
    });
    const target = route53.RecordTarget.fromAlias({
      bind: () => ({ dnsName: `dualstack.${dnsName}`, hostedZoneId: canonicalZoneId, evaluateTargetHealth: true }),
    });
    const names = [resourceName.serviceHost(service.name, env.domain), ...service.hostnames].filter((h) => isInZone(h, env.domain));
    names.forEach((name, i) => new route53.ARecord(this, i === 0 ? 'Address' : `Address${i}`, { zone, recordName: `${name}.`, target }));
  }

  /** Hostnames the environment's wildcard does not cover get a certificate of their own, as one SNI slot on the shard. */
  private certificate(props: WebServiceStackProps, listener: elbv2.IApplicationListener): void {
    const { environment: env, service } = props;
    const uncovered = service.hostnames.filter((h) => !coveredByWildcard(h, env.domain));
    if (uncovered.length === 0) return;
    const zone = route53.PublicHostedZone.fromHostedZoneAttributes(this, 'CertificateZone', {
      hostedZoneId: published(this, parameter.zoneId(props.estate, env.name)),
      zoneName: env.domain,
    });
    // Names in the environment's zone validate themselves; owners of other zones add the CNAME
    // that ACM shows, and the deployment waits for it.
    const inZone = Object.fromEntries(uncovered.filter((h) => isInZone(h, env.domain)).map((h) => [h, zone]));
    const certificate = new acm.Certificate(this, 'Certificate', {
      domainName: uncovered[0]!,
      subjectAlternativeNames: uncovered.slice(1),
      validation: acm.CertificateValidation.fromDnsMultiZone(inZone),
    });
    new elbv2.ApplicationListenerCertificate(this, 'ListenerCertificate', {
      listener,
      certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
    });
  }
}

/** Secrets encrypted with the environment key may be decrypted by the task, but only through Secrets Manager. */
function grantKeyThroughSecretsManager(role: iam.IRole, key: kms.IKey, region: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
    }),
  );
}
