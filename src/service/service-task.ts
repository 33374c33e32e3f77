import { acknowledge } from '../policy/acknowledge';
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { parameter, resourceName, variable } from '../naming/names';
import { ecrImage } from '../manifest/image';
import type { EnvironmentSpec, ServiceSpec } from '../manifest/spec';
import type { EnvironmentStackProps } from '../platform/props';
import { importVpc, published } from '../platform/imports';
import { logRetention } from '../platform/retention';
import { serviceImage } from './service-image';
import { ServiceBucket } from './service-bucket';
import { ServiceCache } from './service-cache';
import { grantKeyThroughSecretsManager, serviceSecrets } from './service-secrets';
import { ServicePostgres } from './service-postgres';
import { ServiceTopics } from './service-topics';
import { ServiceLogs } from '../observability/service-logs';
import { ServiceOperations } from '../operations/service-operations';

/** What every service stack is given, whatever its kind. */
export interface ServiceStackProps extends EnvironmentStackProps {
  readonly service: ServiceSpec;
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
  /**
   * The services this one calls (its `calls`), each with the port it listens on, as the estate
   * resolves them in this environment (see compile.ts).
   * @default none
   */
  readonly callees?: readonly Callee[];
  /**
   * The services of this environment whose `calls` name this one.
   * @default none
   */
  readonly callers?: readonly string[];
}

/** A service another one calls: its name (its Service Connect name) and the port it listens on. */
export interface Callee {
  readonly name: string;
  readonly port: number;
}

/** The parts every kind of service runs on, built by `serviceTask`. */
export interface ServiceTask {
  readonly vpc: ec2.IVpc;
  readonly cluster: ecs.ICluster;
  /** The environment's KMS key (logs, secrets, queues and topics are encrypted with it). */
  readonly key: kms.IKey;
  readonly logGroup: logs.LogGroup;
  readonly task: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  /** The tasks' own security group: no inbound rule unless a load balancer or a caller is allowed. */
  readonly securityGroup: ec2.SecurityGroup;
  /** The topics the service publishes (`publish`), by name; empty when it publishes none. */
  readonly topics: ReadonlyMap<string, sns.ITopic>;
}

/**
 * The task every kind of service runs: its log group, task definition and container (image,
 * command, non-root user, read-only root file system with a writable /tmp, plain environment,
 * secrets from Secrets Manager), its security group, the SNS topics it publishes (see
 * ServiceTopics: every kind may publish, so every kind gets them here), and its addons: a
 * PostgreSQL database (ServicePostgres), a bucket (ServiceBucket, name in BUCKET_NAME) and a cache
 * (ServiceCache, CACHE_HOST and CACHE_PORT).
 *
 * Built straight into the stack, not under a construct of its own: the logical ids of these
 * resources are those web service stacks have always had, and a changed id would make
 * CloudFormation replace a named log group with one of the same name, which it cannot.
 *
 * @param options.port the container port, named `http`, for services that answer requests
 * @param options.healthCheck a container health check, for services no load balancer checks
 */
export function serviceTask(
  stack: Stack,
  props: ServiceStackProps,
  options: { readonly port?: number; readonly healthCheck?: ecs.HealthCheck } = {},
): ServiceTask {
  const { estate, environment: env, service } = props;
  const vpc = importVpc(stack, estate, env, 'private');
  const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Cluster', {
    clusterName: published(stack, parameter.clusterName(estate, env.name)),
    vpc,
  });
  const key = kms.Key.fromKeyArn(stack, 'Key', published(stack, parameter.keyArn(estate, env.name)));

  const logGroup = new logs.LogGroup(stack, 'Logs', {
    logGroupName: resourceName.serviceLogGroup(estate, env.name, service.name, props.incarnation),
    encryptionKey: key,
    retention: (service.logs.retention as logs.RetentionDays | undefined) ?? logRetention(env.protect),
    removalPolicy: env.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
  });
  // Into the environment's log pipeline, with error counts and anomaly detection.
  new ServiceLogs(stack, 'LogPipeline', { estate, environment: env.name, service: service.name, logGroup, key });
  // Log alarms and the settings the environment's runbook responder reads (src/operations/).
  new ServiceOperations(stack, 'Operations', { estate, environment: env, service, logGroup });

  const task = new ecs.FargateTaskDefinition(stack, 'Task', {
    family: resourceName.taskFamily(estate, env.name, service.name),
    cpu: service.cpu,
    memoryLimitMiB: service.memory,
    runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
  });
  const container = task.addContainer('app', {
    image: serviceImage(stack, props),
    ...(service.command ? { command: [...service.command] } : {}),
    user: service.user,
    ...(options.port !== undefined ? { portMappings: [{ containerPort: options.port, name: 'http' }] } : {}),
    ...(options.healthCheck ? { healthCheck: options.healthCheck } : {}),
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: service.name }),
    readonlyRootFilesystem: true,
    environment: { ...service.env, [variable.service]: service.name, [variable.environment]: env.name },
    secrets: serviceSecrets(stack, service.secrets, { estate, environment: env.name, service: service.name, incarnation: props.incarnation, key, protect: env.protect, madeByHand: service.secretsMadeByHand }),
  });
  // The manifest's own acknowledgement: validation refuses root without rootReason (rules.ts).
  if (service.rootReason !== undefined) acknowledge(task, { 'Cityplan-NonRootContainers': `${service.file} rootReason: ${service.rootReason}` });
  if (service.secrets.length > 0) grantKeyThroughSecretsManager(task.obtainExecutionRole(), key, stack.region);
  Validations.of(task.obtainExecutionRole()).acknowledge({
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'The execution role policy is generated from this task definition alone (its log group, image repository, secrets); it lives and dies with the role and is never shared.',
  });
  if (!service.image || ecrImage(service.image)) {
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

  const securityGroup = new ec2.SecurityGroup(stack, 'TaskSecurityGroup', {
    vpc,
    description: `cityplan ${estate}/${env.name}/${service.name} tasks`,
    // Tasks call AWS APIs, other services and the internet through the NAT gateways.
    allowAllOutbound: true,
  });
  // Under a construct of their own: no existing resource's logical id changes.
  const { topics } = new ServiceTopics(stack, 'Topics', {
    estate,
    environment: env.name,
    service: service.name,
    topics: service.publish,
    key,
    task,
    container,
  });
  // The addons, under constructs of their own, for every kind alike.
  const at = { estate, environment: env.name, service: service.name, protect: env.protect, key };
  if (service.bucket) {
    const { bucket } = new ServiceBucket(stack, 'Bucket', { ...at, bucket: service.bucket, user: task.taskRole });
    container.addEnvironment(variable.bucketName, bucket.bucketName);
  }
  if (service.cache) {
    const cache = new ServiceCache(stack, 'Cache', { ...at, cache: service.cache, vpc, clients: securityGroup });
    container.addEnvironment(variable.cacheHost, cache.host);
    container.addEnvironment(variable.cachePort, cache.port);
  }
  const parts = { vpc, cluster, key, logGroup, task, container, securityGroup, topics };
  if (service.postgres) new ServicePostgres(stack, 'Postgres', { service, protect: env.protect, parts });
  return parts;
}

/**
 * The ECS service settings every long-running kind shares: private subnets only, the capacity of
 * the environment (with one task always on regular Fargate under Spot, so that a Spot reclaim never
 * takes the whole service down), tasks rebalanced over zones, tags on every task, and rollback by
 * the deployment circuit breaker.
 */
export function fargateServiceDefaults(env: EnvironmentSpec, parts: ServiceTask, service: ServiceSpec) {
  return {
    cluster: parts.cluster,
    taskDefinition: parts.task,
    serviceName: service.name,
    securityGroups: [parts.securityGroup],
    vpcSubnets: { subnets: parts.vpc.privateSubnets },
    assignPublicIp: false,
    availabilityZoneRebalancing: ecs.AvailabilityZoneRebalancing.ENABLED,
    capacityProviderStrategies:
      env.capacity === 'spot'
        ? [
            { capacityProvider: 'FARGATE', base: 1, weight: 0 },
            { capacityProvider: 'FARGATE_SPOT', weight: 1 },
          ]
        : [{ capacityProvider: 'FARGATE', weight: 1 }],
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
    // New tasks start beside the old; a deployment whose tasks keep failing is rolled back.
    maxHealthyPercent: 200,
    circuitBreaker: { enable: true, rollback: true },
  } satisfies Partial<ecs.FargateServiceProps>;
}

/**
 * The task count range and CPU target every long-running kind scales within: at least 2 tasks in a
 * protected environment (one per zone survives a zone's loss), 1 elsewhere.
 */
export function taskRange(env: EnvironmentSpec, service: ServiceSpec): { readonly min: number; readonly max: number; readonly cpu: number } {
  return { min: Math.max(service.count.min, env.protect ? 2 : 1), max: service.count.max, cpu: service.scale.cpu };
}

/**
 * Stack tags: the environment's, with this service's name and owner (the estate owner when the
 * service names none); compile.ts puts them on every taggable resource of the template.
 */
export function serviceTags(props: ServiceStackProps): Record<string, string> {
  const owner: Record<string, string> = props.service.owner ? { 'cityplan:owner': props.service.owner } : {};
  return { ...props.tags, 'cityplan:service': props.service.name, ...owner };
}
