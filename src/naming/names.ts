/**
 * Every name cityplan derives from estate, environment and service names, in one place, so that
 * stacks that never import each other agree on them (SSM parameter names above all) and so that
 * every derived name can be checked against its AWS limit before anything is synthesized.
 */

import { createHash } from 'node:crypto';

export const SSM_ROOT = '/cityplan';

/**
 * `base` when it fits in `limit` characters, else its head and 8 hex digits of its SHA-256: the
 * same name at every plan, distinct for distinct bases (but for a hash collision).
 */
function bounded(base: string, limit: number): string {
  return base.length <= limit ? base : `${base.slice(0, limit - 9).replace(/-+$/, '')}-${createHash('sha256').update(base).digest('hex').slice(0, 8)}`;
}

export const stackName = {
  foundation: (estate: string, env: string) => `${estate}-${env}-foundation`,
  certificate: (estate: string, env: string) => `${estate}-${env}-certificate`,
  ingress: (estate: string, env: string, shard: number) => `${estate}-${env}-ingress-${shard}`,
  service: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
  /** What the estate's service pipelines share, in the delivery account (delivery/delivery-stack.ts). */
  delivery: (estate: string) => `${estate}-${DELIVERY}`,
  /**
   * A service's ECR repository, build project and pipeline, in the delivery account. No environment
   * may be named `delivery` (isReservedEnvironmentName), so no service stack can take this name.
   */
  pipeline: (estate: string, service: string) => `${estate}-${DELIVERY}-${service}`,
};

/**
 * The delivery account's place among the environments of the lock: its stacks are recorded under
 * this key, which no environment may take (isReservedEnvironmentName).
 */
export const DELIVERY = 'delivery';

/** Environment names that would collide with the delivery stacks' names. */
export function isReservedEnvironmentName(env: string): boolean {
  return env === DELIVERY;
}

/** Service names that would collide with the platform's own stack names. */
export function isReservedServiceName(service: string): boolean {
  return service === 'foundation' || service === 'certificate' || /^ingress-\d+$/.test(service);
}

/** The SSM path under which an environment's platform stacks publish what others read, ending in `/`. */
export const environmentRoot = (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/`;

/** SSM parameter names through which the foundation and ingress stacks publish what service stacks need. */
export const parameter = {
  vpcId: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/network/vpc-id`,
  vpcCidr: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/network/vpc-cidr`,
  privateSubnet: (estate: string, env: string, zone: number) => `${SSM_ROOT}/${estate}/${env}/network/private-subnet-${zone}`,
  publicSubnet: (estate: string, env: string, zone: number) => `${SSM_ROOT}/${estate}/${env}/network/public-subnet-${zone}`,
  clusterName: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/cluster/name`,
  keyArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/key/arn`,
  alertsTopicArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/alerts/topic-arn`,
  zoneId: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/dns/zone-id`,
  certificateArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/dns/wildcard-certificate-arn`,
  accessLogBucket: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/logs/access-log-bucket`,
  webAclArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/ingress/web-acl-arn`,
  /** The environment's log pipeline (Firehose stream) that every service log group is subscribed to. */
  logStreamArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/logs/stream-arn`,
  /** The role CloudWatch Logs assumes to put a subscription's records into the log pipeline. */
  logSubscriptionRoleArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/logs/subscription-role-arn`,
  /** The environment's Cloud Map namespace, which ECS Service Connect serves (see serviceNamespace). */
  serviceNamespaceArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/network/service-namespace-arn`,
  /** A callable service's task security group, on which each caller's stack opens the service's port. */
  serviceSecurityGroupId: (estate: string, env: string, service: string) =>
    `${SSM_ROOT}/${estate}/${env}/service/${service}/security-group-id`,
  shard: (estate: string, env: string, shard: number, key: ShardOutput) =>
    `${SSM_ROOT}/${estate}/${env}/ingress/${shard}/${key}`,
  /** In the delivery account: the KMS key that encrypts pipeline artifacts, images and build logs. */
  deliveryKeyArn: (estate: string) => `${SSM_ROOT}/${estate}/${DELIVERY}/key-arn`,
  /**
   * In the delivery account: the image tag (the commit) of a service that last deployed successfully
   * in an environment. Written only by the pipeline's verify step, after the deploy and its smoke
   * check passed; read by rollback and by estate deploys (deploy/last-image.ts).
   */
  lastImage: (estate: string, service: string, env: string) => `${SSM_ROOT}/${estate}/${DELIVERY}/${service}/${env}/image-tag`,
  /**
   * A service's responder settings (owner, kind, size, count range, runbook tuning) as JSON, which
   * its own stack publishes and the environment's responder reads: one standard parameter (4 KB,
   * 10,000 per account and region free of charge) per service instead of a Lambda variable.
   */
  responderSettings: (estate: string, env: string, service: string) => `${SSM_ROOT}/${estate}/${env}/service/${service}/responder`,
  /** The estate's own runbooks for the environment (runbooks/*.yaml), as JSON, which the foundation publishes. */
  estateRunbooks: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/responder/runbooks`,
};

/** What an alarm of a service watches: the last part of its name (resourceName.alarm). */
export type AlarmSubject =
  | 'error-rate'
  | 'latency-p99'
  | 'unhealthy-hosts'
  | 'dead-letters'
  | 'run-failed'
  | 'run-not-started'
  | 'requests-anomaly'
  | 'latency-anomaly'
  | 'log-anomaly'
  | 'log-errors'
  | 'log-fatal'
  | `log-pattern-${number}`;

/** Reads `resourceName.alarm` back: the service and subject of an alarm of this environment, else undefined. */
export function alarmOf(estate: string, env: string, alarmName: string): { service: string; subject: AlarmSubject } | undefined {
  const prefix = `${estate}-${env}-`;
  if (!alarmName.startsWith(prefix)) return undefined;
  const m = alarmName.slice(prefix.length).match(/^(.+)-(error-rate|latency-p99|unhealthy-hosts|dead-letters|run-failed|run-not-started|requests-anomaly|latency-anomaly|log-anomaly|log-errors|log-fatal|log-pattern-\d+)$/);
  return m ? { service: m[1]!, subject: m[2] as AlarmSubject } : undefined;
}

export type ShardOutput = 'listener-arn' | 'security-group-id' | 'dns-name' | 'canonical-zone-id' | 'full-name';

export const resourceName = {
  cluster: (estate: string, env: string) => `${estate}-${env}`,
  taskFamily: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
  /**
   * A retained resource outlives its stack, so a service re-added after a removal (its next
   * incarnation) must not reuse the name: from the second life on, the name ends in /<incarnation>.
   */
  serviceLogGroup: (estate: string, env: string, service: string, incarnation = 1) =>
    `/cityplan/${estate}/${env}/${service}${incarnation > 1 ? `/${incarnation}` : ''}`,
  alarm: (estate: string, env: string, service: string, what: AlarmSubject) => `${estate}-${env}-${service}-${what}`,
  /** Where a service's log-derived metrics go (metric filters); metric names start with the service. */
  logMetricNamespace: (estate: string, env: string) => `cityplan/${estate}/${env}`,
  /** The environment's runbook responder (Lambda function names: 64 characters; at most 44 here). */
  responderFunction: (estate: string, env: string) => `${estate}-${env}-responder`,
  responderLogGroup: (estate: string, env: string) => `/cityplan/${estate}/${env}/responder`,
  /** The responder's audit table (DynamoDB table names: 3–255 characters). */
  responderAuditTable: (estate: string, env: string) => `${estate}-${env}-responder-audit`,
  /** The responder's dead-letter queue (SQS: 80 characters; `_` keeps it apart from any service's queue). */
  responderDeadLetterQueue: (estate: string, env: string) => `${estate}-${env}_responder-dlq`,
  /**
   * A worker's queue: its stack's name, ending in `.fifo` for a FIFO queue as SQS requires. Because
   * the suffix changes the name, switching `fifo` (which replaces the queue) creates the new queue
   * beside the old one instead of colliding with it.
   */
  queue: (estate: string, env: string, service: string, fifo: boolean) => `${estate}-${env}-${service}${fifo ? '.fifo' : ''}`,
  /**
   * A worker's dead-letter queue. `_` cannot occur in estate, environment or service names, so no
   * other service's queue (a service named `<service>-dlq`, say) can take this name.
   */
  deadLetterQueue: (estate: string, env: string, service: string, fifo: boolean) => `${estate}-${env}-${service}_dlq${fifo ? '.fifo' : ''}`,
  /**
   * A topic a service publishes: `<estate>-<env>-<service>_<topic>`. Subscribers in other stacks
   * compute its ARN from this name. The `_` keeps service `a` topic `b-c` apart from service `a-b`
   * topic `c`.
   */
  topic: (estate: string, env: string, service: string, topic: string) => `${estate}-${env}-${service}_${topic}`,
  /**
   * A service's secret. Retained in a protected environment, so from the service's second life on
   * (see serviceLogGroup) the name carries the incarnation: `<estate>/<env>/<service>/<n>/<NAME>`.
   * A secret NAME is upper case, so it cannot be mistaken for the number.
   */
  secret: (estate: string, env: string, service: string, secret: string, incarnation = 1) =>
    `${estate}/${env}/${service}/${incarnation > 1 ? `${incarnation}/` : ''}${secret}`,
  imageRepository: (estate: string, service: string) => `${estate}/${service}`,
  /**
   * The pipelines' artifact bucket: S3 names are global, so it carries the delivery account and
   * region (3–63 characters: at most 20 + 10 + 12 + 1 + 14 = 57 here). Fixed, so that the pipeline
   * stacks' policies name it rather than a value read at deploy time.
   */
  artifactBucket: (estate: string, account: string, region: string) => `${estate}-delivery-${account}-${region}`,
  /** A service's pipeline: 1–100 letters, digits, `.`, `@`, `-`, `_`, unique per account and region (CodePipeline CreatePipeline). */
  pipeline: (estate: string, service: string) => `${estate}-${service}`,
  /** A service's build project: 2–150 characters, unique per account and region (CodeBuild CreateProject). */
  buildProject: (estate: string, service: string) => `${estate}-${service}`,
  /** Where a service's build project logs, named so that its role's log permission is one log group. */
  buildLogGroup: (estate: string, service: string) => `/cityplan/${estate}/${DELIVERY}/${service}`,
  keyAlias: (estate: string, env: string) => `alias/cityplan/${estate}/${env}`,
  /** A protected environment's backup vault: 2–50 letters, digits, `-` and `_` (AWS Backup); at most 40 here. */
  backupVault: (estate: string, env: string) => `${estate}-${env}-backup`,
  /** A protected environment's backup plan. */
  backupPlan: (estate: string, env: string) => `${estate}-${env}`,
  webAcl: (estate: string, env: string) => `${estate}-${env}-ingress`,
  /**
   * An AWS Config rule of an environment: names are unique per account and region (PutConfigRule
   * updates the rule of that name), so two environments sharing an account keep theirs apart.
   * At most 9 + 20 + 1 + 12 + 1 + 45 = 88 of the 128 characters AWS Config allows.
   */
  configRule: (estate: string, env: string, rule: string) => `cityplan-${estate}-${env}-${rule}`,
  /** The Config recorder and delivery channel, when the environment asks (one of each per account and region; ≤ 256). */
  configRecorder: (estate: string, env: string) => `cityplan-${estate}-${env}`,
  wafLogGroup: (estate: string, env: string) => `aws-waf-logs-${estate}-${env}`,
  flowLogGroup: (estate: string, env: string) => `/cityplan/${estate}/${env}/vpc-flow-logs`,
  /** The environment's log pipeline: Firehose stream names are 1–64 characters (CreateDeliveryStream); at most 39 here. */
  logDeliveryStream: (estate: string, env: string) => `${estate}-${env}-logs`,
  /**
   * The environment's Glue database: lower-case letters, digits and `_`, at most 255 characters
   * (Glue CreateDatabase; Athena reads only these). `-` becomes `_`, and `__` parts estate from
   * environment, which can start only with a letter, so no two estate/environment pairs share one.
   */
  logDatabase: (estate: string, env: string) => `cityplan_${estate.replace(/-/g, '_')}__${env.replace(/-/g, '_')}`,
  /** The environment's Athena workgroup: 1–128 of `[a-zA-Z0-9._-]` (CreateWorkGroup). */
  logWorkgroup: (estate: string, env: string) => `cityplan-${estate}-${env}`,
  /** The environment's CloudWatch dashboard: up to 255 of `[A-Za-z0-9_-]` (PutDashboard). */
  dashboard: (estate: string, env: string) => `cityplan-${estate}-${env}`,
  /**
   * The environment's OpenSearch Serverless collection (`logs.opensearch`): 3–32 lower-case
   * letters, digits and `-`, starting with a letter (CreateCollection); also the name of its
   * encryption and network policies (3–32, same characters) and data access policy.
   */
  logCollection: (estate: string, env: string) => bounded(`${estate}-${env}`, 32),
  /** The OpenSearch Ingestion pipeline feeding it: 3–28 lower-case letters, digits and `-` (CreatePipeline). */
  logIngestion: (estate: string, env: string) => bounded(`${estate}-${env}`, 28),
  /** A service's CloudWatch Logs anomaly detector (one log group each: CreateLogAnomalyDetector). */
  logAnomalyDetector: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
  serviceHost: (service: string, domain: string) => `${service}.${domain}`,
  /**
   * The environment's private service network (a Cloud Map private DNS namespace, with a Route 53
   * private hosted zone of this name in the environment's VPC). Callers reach a service by its
   * short name through Service Connect, not by this name; it only has to be unique and private.
   */
  serviceNamespace: (estate: string, env: string) => `${env}.${estate}.internal`,
  /**
   * A job's state machine. Fixed, because the state machine's own role names it (it lists its own
   * running executions) and a CloudFormation reference from the role to the state machine would
   * make each wait for the other.
   */
  jobStateMachine: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
  /** A job's schedule, in the default schedule group: fixed, so that a person can find and pause it. */
  jobSchedule: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
  /**
   * Where a job's state machine logs its runs. `/aws/vendedlogs/` keeps the account's CloudWatch
   * Logs resource policy (5,120 characters) from growing with every job ("Avoiding CloudWatch Logs
   * resource policy size restrictions", Step Functions Developer Guide). Retained where the
   * environment is protected, so a later life of the job takes another name (see serviceLogGroup).
   */
  /**
   * A service's ElastiCache Serverless cache. Serverless cache names are unique per account and
   * region (the name is the cache's identifier in CreateServerlessCache).
   */
  cache: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
  /** Prefix under which S3 writes a service bucket's server access logs in the environment's log bucket. */
  bucketAccessLogPrefix: (service: string) => `s3/${service}/`,
  jobRunLogGroup: (estate: string, env: string, service: string, incarnation = 1) =>
    `/aws/vendedlogs/states/cityplan/${estate}/${env}/${service}${incarnation > 1 ? `/${incarnation}` : ''}`,
};

/**
 * Environment variables cityplan sets in a service's container, which its `env` and `secrets`
 * must leave alone.
 */
export const variable = {
  /** Names cityplan keeps for itself, of which it sets the two below in every container. */
  prefix: 'CITYPLAN_',
  service: 'CITYPLAN_SERVICE',
  environment: 'CITYPLAN_ENVIRONMENT',
  /** The URL of a worker's queue. */
  queueUrl: 'QUEUE_URL',
  /** The name of the service's bucket (`bucket`). */
  bucketName: 'BUCKET_NAME',
  /** The host name and port of the service's cache (`cache`); clients must use TLS. */
  cacheHost: 'CACHE_HOST',
  cachePort: 'CACHE_PORT',
  /** The ARN of a topic the service publishes: `visit-booked` → `TOPIC_VISIT_BOOKED_ARN`. */
  topicArn: (topic: string) => `TOPIC_${topic.toUpperCase().replace(/-/g, '_')}_ARN`,
  /** The database connection, in libpq's own variable names so that most PostgreSQL clients need no code. */
  postgres: { host: 'PGHOST', port: 'PGPORT', database: 'PGDATABASE', user: 'PGUSER', password: 'PGPASSWORD', sslMode: 'PGSSLMODE' },
};

/** AWS limits on the names above. */
export interface DerivedName {
  readonly what: string;
  readonly value: string;
  readonly limit: number;
}

/**
 * @param topics the topics the service publishes (SNS topic names, 256 characters: Amazon SNS
 *   CreateTopic). Today's name limits keep them and queue names well inside their limits; the
 *   check guards the day those limits loosen.
 */
/**
 * @param cache whether the service has a `cache`: its ElastiCache Serverless cache name is then
 *   checked too (40 characters: CreateServerlessCache, ServerlessCacheName)
 */
export function derivedNames(estate: string, env: string, service: string, domain: string, topics: readonly string[] = [], cache = false): DerivedName[] {
  return [
    { what: 'CloudFormation stack name', value: stackName.service(estate, env, service), limit: 128 },
    { what: 'ECS task definition family', value: resourceName.taskFamily(estate, env, service), limit: 255 },
    { what: 'CloudWatch alarm name', value: resourceName.alarm(estate, env, service, 'unhealthy-hosts'), limit: 255 },
    { what: 'CloudWatch log group name', value: resourceName.serviceLogGroup(estate, env, service), limit: 512 },
    { what: 'CloudWatch log group name', value: resourceName.jobRunLogGroup(estate, env, service), limit: 512 },
    { what: 'Step Functions state machine name', value: resourceName.jobStateMachine(estate, env, service), limit: 80 },
    { what: 'EventBridge Scheduler schedule name', value: resourceName.jobSchedule(estate, env, service), limit: 64 },
    { what: 'ECR repository name', value: resourceName.imageRepository(estate, service), limit: 256 },
    { what: 'CodePipeline pipeline name', value: resourceName.pipeline(estate, service), limit: 100 },
    { what: 'CodeBuild project name', value: resourceName.buildProject(estate, service), limit: 150 },
    { what: 'SSM parameter name', value: parameter.lastImage(estate, service, env), limit: 1011 },
    // The longest queue name a worker can have: its FIFO dead-letter queue (SQS CreateQueue: 80).
    { what: 'SQS queue name', value: resourceName.deadLetterQueue(estate, env, service, true), limit: 80 },
    { what: 'DNS name', value: resourceName.serviceHost(service, domain), limit: 253 },
    ...topics.map((t) => ({ what: 'SNS topic name', value: resourceName.topic(estate, env, service, t), limit: 256 })),
    ...(cache ? [{ what: 'ElastiCache Serverless cache name', value: resourceName.cache(estate, env, service), limit: 40 }] : []),
  ];
}

/**
 * Availability zone names for an environment. Named explicitly (not looked up) so that plans need no
 * AWS call; these regions' first zones are not a/b/c.
 */
const ZONE_LETTERS: Record<string, string> = {
  'ap-northeast-1': 'acd',
  'us-west-1': 'bc',
  // Zone c was never opened to new accounts in these regions; their third zone is d.
  'ca-central-1': 'abd',
  'cn-north-1': 'abd',
  'sa-east-1': 'abc',
};

export function availabilityZones(region: string, zones: number): string[] {
  const letters = ZONE_LETTERS[region] ?? 'abc';
  return [...letters.slice(0, zones)].map((l) => `${region}${l}`);
}

export function availableZoneCount(region: string): number {
  return (ZONE_LETTERS[region] ?? 'abc').length;
}

/**
 * The runbook responder's environment variables: the construct (src/operations/responder.ts) sets
 * them and the handler (src/runtime/responder/index.ts) reads them, so both take the names from here.
 */
export const responderVariable = {
  estate: 'CITYPLAN_ESTATE',
  environment: 'CITYPLAN_ENVIRONMENT',
  dryRun: 'CITYPLAN_DRY_RUN',
  maxActionsPerHour: 'CITYPLAN_MAX_ACTIONS_PER_HOUR',
  auditTable: 'CITYPLAN_AUDIT_TABLE',
  auditDays: 'CITYPLAN_AUDIT_DAYS',
  topicArn: 'CITYPLAN_ALERTS_TOPIC_ARN',
  zoneId: 'CITYPLAN_ZONE_ID',
  quarantineGroupId: 'CITYPLAN_QUARANTINE_GROUP_ID',
} as const;
