/**
 * Every name cityplan derives from estate, environment and service names, in one place, so that
 * stacks that never import each other agree on them (SSM parameter names above all) and so that
 * every derived name can be checked against its AWS limit before anything is synthesized.
 */

export const SSM_ROOT = '/cityplan';

export const stackName = {
  foundation: (estate: string, env: string) => `${estate}-${env}-foundation`,
  certificate: (estate: string, env: string) => `${estate}-${env}-certificate`,
  ingress: (estate: string, env: string, shard: number) => `${estate}-${env}-ingress-${shard}`,
  service: (estate: string, env: string, service: string) => `${estate}-${env}-${service}`,
};

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
  /** The environment's Cloud Map namespace, which ECS Service Connect serves (see serviceNamespace). */
  serviceNamespaceArn: (estate: string, env: string) => `${SSM_ROOT}/${estate}/${env}/network/service-namespace-arn`,
  /** A callable service's task security group, on which each caller's stack opens the service's port. */
  serviceSecurityGroupId: (estate: string, env: string, service: string) =>
    `${SSM_ROOT}/${estate}/${env}/service/${service}/security-group-id`,
  shard: (estate: string, env: string, shard: number, key: ShardOutput) =>
    `${SSM_ROOT}/${estate}/${env}/ingress/${shard}/${key}`,
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
  | 'log-errors'
  | 'log-fatal'
  | `log-pattern-${number}`;

/** Reads `resourceName.alarm` back: the service and subject of an alarm of this environment, else undefined. */
export function alarmOf(estate: string, env: string, alarmName: string): { service: string; subject: AlarmSubject } | undefined {
  const prefix = `${estate}-${env}-`;
  if (!alarmName.startsWith(prefix)) return undefined;
  const m = alarmName.slice(prefix.length).match(/^(.+)-(error-rate|latency-p99|unhealthy-hosts|dead-letters|run-failed|run-not-started|log-errors|log-fatal|log-pattern-\d+)$/);
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
  keyAlias: (estate: string, env: string) => `alias/cityplan/${estate}/${env}`,
  /** A protected environment's backup vault: 2–50 letters, digits, `-` and `_` (AWS Backup); at most 40 here. */
  backupVault: (estate: string, env: string) => `${estate}-${env}-backup`,
  /** A protected environment's backup plan. */
  backupPlan: (estate: string, env: string) => `${estate}-${env}`,
  webAcl: (estate: string, env: string) => `${estate}-${env}-ingress`,
  wafLogGroup: (estate: string, env: string) => `aws-waf-logs-${estate}-${env}`,
  flowLogGroup: (estate: string, env: string) => `/cityplan/${estate}/${env}/vpc-flow-logs`,
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
