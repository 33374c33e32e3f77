/**
 * One service's monthly cost in one environment: its tasks, its share of its load balancer shard,
 * its addons, logs, alarms and secrets. Pure arithmetic on the spec, the usage and the price table.
 */
import type { EnvironmentSpec, ServiceKind, ServiceSpec } from '../manifest/spec';
import { logRetention } from '../platform/retention';
import { alarmsOf } from './alarms';
import { type CostLine, line, sum } from './lines';
import { HOURS_PER_MONTH as H, type PriceTable, type RdsClass } from './prices';
import { type ServiceQuantities, serviceQuantities } from './usage';

export interface ServiceCost {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly owner: string | null;
  /** USD a month at `count.min` tasks: the sum of `lines`. */
  readonly monthly: number;
  /** USD a month with `count.max` tasks running all month: the ceiling autoscaling can reach. */
  readonly ceiling: number;
  readonly lines: readonly CostLine[];
}

/** Where a web service sits: the load balancer shard it shares, and with how many services. */
export interface ShardShare {
  readonly shard: number;
  /** Web services of the environment on that shard (this one included). */
  readonly services: number;
}

/**
 * Assumptions the model makes that are not usage fields: printed with the estimate. Bytes per
 * request set the load balancer's processed-bytes LCUs (its largest dimension for ordinary web
 * traffic: an LCU is 25 new connections a second, 3,000 active a minute, 1 GB an hour for
 * containers, or 1,000 rule evaluations a second; ELB pricing page).
 */
export const ASSUMPTIONS = {
  /** Request and response together, KB: a page or an API answer. */
  kbPerRequest: 50,
  /** ElastiCache ECPUs per request (a read and a write of under 1 KB each). */
  cacheEcpuPerRequest: 2,
  /** Aurora I/O requests a month per GB stored, in millions (a lightly used database). */
  auroraMillionIoPerGb: 0.5,
  /** SQS requests per message: send, receive, delete. */
  sqsRequestsPerMessage: 3,
  /** Share of bucket requests that are PUT (the rest GET). */
  bucketPutShare: 0.1,
  /** Days the log bucket keeps a line (observability/log-pipeline.ts): protected, otherwise. */
  logBucketDays: { protected: 400, unprotected: 90 },
} as const;

/** The RDS class each size builds (service/service-postgres.ts POSTGRES_SIZES). */
export const SIZE_CLASS: Readonly<Record<'small' | 'medium' | 'large', RdsClass>> = {
  small: 'db.t4g.small',
  medium: 'db.m7g.large',
  large: 'db.m7g.xlarge',
};

export function serviceCost(service: ServiceSpec, env: EnvironmentSpec, prices: PriceTable, share?: ShardShare): ServiceCost {
  const q = serviceQuantities(service);
  const lines = [
    ...taskLines(service, env, prices, q, service.count.min),
    ...(service.kind === 'web' && share ? loadBalancerLines(env, prices, q, share) : []),
    ...logLines(service, env, prices, q),
    ...alarmLines(service, prices),
    ...secretLines(service, prices),
    ...addonLines(service, env, prices, q),
  ].filter((l) => l.quantity > 0);
  const monthly = sum(lines.map((l) => l.monthly));
  const extra = service.kind === 'job' ? 0 : sum(taskLines(service, env, prices, q, service.count.max).map((l) => l.monthly)) - sum(taskLines(service, env, prices, q, service.count.min).map((l) => l.monthly));
  return { name: service.name, kind: service.kind, owner: service.owner ?? null, monthly, ceiling: sum([monthly, extra]), lines };
}

/** vCPU and GB of one task (Fargate bills the task size, sidecars included). */
export function taskSize(service: ServiceSpec): { vcpu: number; gb: number } {
  return { vcpu: service.cpu / 1024, gb: service.memory / 1024 };
}

/**
 * Task-hours a month on each capacity. A service keeps `tasks` running all month; on Spot
 * (`capacity: spot`) the first task stays on-demand (service-task.ts: FARGATE base 1) and the rest
 * run on Spot. A job runs one task for `jobHoursPerMonth`, on Spot where the environment is.
 */
export function taskHours(service: ServiceSpec, env: EnvironmentSpec, q: ServiceQuantities, tasks: number): { onDemand: number; spot: number } {
  if (service.kind === 'job') return env.capacity === 'spot' ? { onDemand: 0, spot: q.jobHoursPerMonth } : { onDemand: q.jobHoursPerMonth, spot: 0 };
  if (env.capacity !== 'spot') return { onDemand: tasks * H, spot: 0 };
  const onDemand = Math.min(1, tasks);
  return { onDemand: onDemand * H, spot: (tasks - onDemand) * H };
}

function taskLines(service: ServiceSpec, env: EnvironmentSpec, prices: PriceTable, q: ServiceQuantities, tasks: number): CostLine[] {
  const { vcpu, gb } = taskSize(service);
  const hours = taskHours(service, env, q, tasks);
  return [
    line('Fargate vCPU (on-demand)', vcpu * hours.onDemand, prices.fargateVcpuHour),
    line('Fargate memory (on-demand)', gb * hours.onDemand, prices.fargateGbHour),
    line('Fargate vCPU (Spot)', vcpu * hours.spot, prices.fargateSpotVcpuHour),
    line('Fargate memory (Spot)', gb * hours.spot, prices.fargateSpotGbHour),
  ];
}

/**
 * Load balancer capacity units a month for `requests` spread evenly over the month: the larger of
 * new connections (one per request, 25 a second per LCU) and processed bytes (1 GB an hour per LCU).
 */
export function lcuHours(requests: number): number {
  const perSecond = requests / (H * 3600);
  const gbPerHour = (requests * ASSUMPTIONS.kbPerRequest) / 1e6 / H;
  return Math.max(perSecond / 25, gbPerHour) * H;
}

/** The shard's hours (and its public addresses, one per zone) split evenly; its own LCUs and WAF requests. */
function loadBalancerLines(env: EnvironmentSpec, prices: PriceTable, q: ServiceQuantities, share: ShardShare): CostLine[] {
  const of = `1/${share.services} of shard ${share.shard}`;
  return [
    line(`Load balancer hours (${of})`, H / share.services, prices.albHour),
    line(`Load balancer public IPv4 (${of}, ${env.zones} zones)`, (env.zones * H) / share.services, prices.publicIpv4Hour),
    line('Load balancer capacity units', lcuHours(q.requestsPerMonth), prices.albLcuHour),
    line('WAF requests', q.requestsPerMonth, prices.wafMillionRequests, 1e6),
  ];
}

function logLines(service: ServiceSpec, env: EnvironmentSpec, prices: PriceTable, q: ServiceQuantities): CostLine[] {
  const days = service.logs.retention ?? logRetention(env.protect);
  const bucketDays = env.protect ? ASSUMPTIONS.logBucketDays.protected : ASSUMPTIONS.logBucketDays.unprotected;
  return [
    line('CloudWatch Logs ingestion', q.logGBPerMonth, prices.logsIngestedGb),
    // Steady state: a month's logs times the months they are kept (an upper bound: CloudWatch
    // bills storage of the compressed data).
    line(`CloudWatch Logs storage (${days} days kept)`, q.logGBPerMonth * (days / 30), prices.logsStoredGbMonth),
    line('Firehose (logs to the log bucket)', q.logGBPerMonth, prices.firehoseGb),
    line(`Log bucket storage (${bucketDays} days kept)`, q.logGBPerMonth * (bucketDays / 30), prices.s3GbMonth),
  ];
}

function alarmLines(service: ServiceSpec, prices: PriceTable): CostLine[] {
  const count = alarmsOf(service);
  return [
    line(`CloudWatch alarms (${count.alarms} alarms)`, count.alarmMetrics, prices.alarmMetricMonth),
    line('Custom metrics from log metric filters', count.customMetrics, prices.customMetricMonth),
  ];
}

/** Its secrets, and the master secret RDS keeps for its database. */
function secretLines(service: ServiceSpec, prices: PriceTable): CostLine[] {
  return [line('Secrets Manager secrets', service.secrets.length + (service.postgres ? 1 : 0), prices.secretMonth)];
}

function addonLines(service: ServiceSpec, env: EnvironmentSpec, prices: PriceTable, q: ServiceQuantities): CostLine[] {
  const lines: CostLine[] = [];
  const pg = service.postgres;
  // Multi-AZ where protect: RDS runs a standby (twice the instance and storage), Aurora a reader
  // that scales with the writer (service-postgres.ts).
  const copies = env.protect ? 2 : 1;
  if (pg?.serverless) {
    lines.push(
      line(`Aurora Serverless v2 at its minimum ${pg.serverless.min} ACU${copies > 1 ? ' (writer and reader)' : ''}`, pg.serverless.min * H * copies, prices.auroraAcuHour),
      line('Aurora storage', q.databaseGB, prices.auroraGbMonth),
      line('Aurora I/O requests', q.databaseGB * ASSUMPTIONS.auroraMillionIoPerGb * 1e6, prices.auroraMillionIo, 1e6),
    );
  } else if (pg) {
    const cls = SIZE_CLASS[pg.size ?? 'small'];
    lines.push(
      line(`RDS ${cls}${copies > 1 ? ' Multi-AZ' : ''}`, H * copies, prices.rdsInstanceHour[cls]),
      line(`RDS gp3 storage${copies > 1 ? ' (Multi-AZ)' : ''}`, q.databaseGB * copies, prices.rdsGp3GbMonth),
    );
  }
  // The environment's AWS Backup plan copies what carries cityplan:backup (protect only).
  if (pg && env.protect) lines.push(line('AWS Backup of the database', q.databaseGB, prices.backupRdsGbMonth));
  if (service.bucket) {
    const puts = q.bucketRequestsPerMonth * ASSUMPTIONS.bucketPutShare;
    lines.push(
      line('S3 storage', q.bucketGB, prices.s3GbMonth),
      line('S3 PUT requests', puts, prices.s3ThousandPut, 1000),
      line('S3 GET requests', q.bucketRequestsPerMonth - puts, prices.s3ThousandGet, 1000),
    );
    if (service.bucket.versioned && env.protect) lines.push(line('AWS Backup of the bucket', q.bucketGB, prices.backupS3GbMonth));
  }
  if (service.cache) {
    // Valkey Serverless meters at least 100 MB (ElastiCache pricing page).
    lines.push(
      line('ElastiCache Serverless (Valkey) data', Math.max(q.cacheGB, 0.1) * H, prices.valkeyGbHour),
      line('ElastiCache Serverless ECPUs', q.requestsPerMonth * ASSUMPTIONS.cacheEcpuPerRequest, prices.valkeyMillionEcpu, 1e6),
    );
  }
  if (service.kind === 'worker' && service.queue) {
    const price = service.queue.fifo ? prices.sqsFifoMillionRequests : prices.sqsMillionRequests;
    lines.push(line(`SQS requests${service.queue.fifo ? ' (FIFO)' : ''}`, q.messagesPerMonth * ASSUMPTIONS.sqsRequestsPerMessage, price, 1e6));
  }
  if (service.publish.length > 0) lines.push(line(`SNS publishes (${service.publish.length} topic${service.publish.length === 1 ? '' : 's'})`, q.messagesPerMonth * service.publish.length, prices.snsMillionPublishes, 1e6));
  return lines;
}
