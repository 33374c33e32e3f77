/**
 * Where the log pipeline writes in S3, shared by the Firehose stream that writes (observability/),
 * the Glue tables that read (Athena) and the local runner that reads a downloaded copy (DuckDB),
 * so that the three cannot drift apart.
 *
 * Service logs (log bucket, KMS):
 *   services/dt=<yyyy-MM-dd>/hour=<HH>/service=<service>/<stream>-<n>-<date>-<uuid>.gz
 *   errors/<error-output-type>/dt=<yyyy-MM-dd>/...            records Firehose could not deliver
 * Each object holds gzip-compressed lines, one CloudWatch Logs subscription envelope per line
 * (`{messageType, owner, logGroup, logStream, subscriptionFilters, logEvents: [{id, timestamp, message}]}`).
 *
 * ALB access logs (the environment's access-log bucket, SSE-S3; layout fixed by Elastic Load
 * Balancing, "Access log files", Application Load Balancers User Guide):
 *   ingress/<shard>/AWSLogs/<account>/elasticloadbalancing/<region>/<yyyy>/<MM>/<dd>/<file>.log.gz
 */
export const SERVICE_LOGS_PREFIX = 'services';
export const ERROR_PREFIX = 'errors';

/** Time partitions first: Athena prunes on them (partition projection), every service under each hour. */
export const serviceLogsKeyPrefix = (service: string, day: string, hour: string) =>
  `${SERVICE_LOGS_PREFIX}/dt=${day}/hour=${hour}/service=${service}/`;

/** The service a log group belongs to: its fourth path segment (`/cityplan/<estate>/<env>/<service>[/<n>]`). */
export const SERVICE_OF_LOG_GROUP = '^/cityplan/[^/]+/[^/]+/([^/]+)';

/** The ALB access log folder of a shard, below the access-log bucket. */
export const ALB_LOGS_PREFIX = 'ingress';

/** Glob patterns, relative to a downloaded bucket copy, that the local runner reads. */
export const LOCAL_GLOBS = {
  serviceLogs: `${SERVICE_LOGS_PREFIX}/**/*.gz`,
  albLogs: `${ALB_LOGS_PREFIX}/*/AWSLogs/*/elasticloadbalancing/*/*/*/*/*.log.gz`,
} as const;
