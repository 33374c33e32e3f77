import { Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ALB_COLUMNS, ALB_LINE_REGEX } from '../analytics/alb-format';
import { ALB_LOGS_PREFIX, SERVICE_LOGS_PREFIX } from '../analytics/layout';
import { athenaQueryText, NAMED_QUERIES } from '../analytics/queries';
import type { AthenaTables } from '../analytics/relations';
import { QUOTAS } from '../estate/quotas';
import { resourceName } from '../naming/names';
import { ATHENA_RESULTS_PREFIX } from './log-pipeline';

export interface LogCatalogProps {
  readonly estate: string;
  readonly environment: string;
  readonly key: kms.IKey;
  /** The log pipeline's bucket (service logs; Athena results under athena-results/). */
  readonly logBucket: s3.IBucket;
  /** The environment's access-log bucket (ALB access logs under ingress/<shard>/). */
  readonly accessLogBucket: s3.IBucket;
  /** Days of logs kept: the partition projection's range. */
  readonly days: number;
}

/** Service logs table name in the environment's Glue database. */
export const SERVICE_LOGS_TABLE = 'service_logs';
/** ALB access logs table name. */
export const ALB_LOGS_TABLE = 'alb_access_logs';

/**
 * Athena bytes-scanned cutoff per query: 10 GiB, $0.05 at Athena's $5 per TB scanned (Athena
 * pricing, us-east-1 and eu-west-2). A query over more is cancelled; narrow it by day or raise the
 * workgroup's limit. The smallest limit Athena accepts is 10 MB (WorkGroupConfiguration).
 */
export const BYTES_SCANNED_CUTOFF = 10 * 1024 ** 3;

/** Days back the named queries scan by default (their `dt`/`day` predicate). */
export const NAMED_QUERY_DAYS = 7;

/**
 * The environment's log catalog: a Glue database with two tables read by partition projection
 * (no crawler, no partitions to add) and an Athena workgroup whose settings are enforced
 * (results encrypted with the environment key, a per-query scan limit, CloudWatch metrics), with
 * the estate's named queries (analytics/queries.ts) in it.
 *
 * - `service_logs`: the log pipeline's envelopes, partitioned by `dt` (day) and `hour`; every
 *   service of that hour is read below `hour=HH/`, its name derived from the log group.
 * - `alb_access_logs`: the ALB access logs of every shard, partitioned by `shard` (0 to the
 *   account's ALB quota − 1) and `day`, over the layout Elastic Load Balancing writes
 *   (`ingress/<shard>/AWSLogs/<account>/elasticloadbalancing/<region>/<yyyy>/<MM>/<dd>/`).
 */
export class LogCatalog extends Construct {
  readonly workgroup: athena.CfnWorkGroup;
  readonly database: glue.CfnDatabase;

  constructor(scope: Construct, id: string, props: LogCatalogProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const databaseName = resourceName.logDatabase(props.estate, props.environment);
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: databaseName, description: `cityplan ${props.estate}/${props.environment}: service and load balancer logs` },
    });
    const range = `NOW-${props.days}DAYS,NOW`;
    const serviceRoot = `s3://${props.logBucket.bucketName}/${SERVICE_LOGS_PREFIX}/`;
    const serviceLogs = new glue.CfnTable(this, 'ServiceLogs', {
      catalogId: stack.account,
      databaseName,
      tableInput: {
        name: SERVICE_LOGS_TABLE,
        description: 'CloudWatch Logs subscription envelopes of every service, one JSON object per line (see analytics/layout.ts)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          compressionType: 'gzip',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': range,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.hour.type': 'integer',
          'projection.hour.range': '0,23',
          'projection.hour.digits': '2',
          'storage.location.template': `${serviceRoot}dt=\${dt}/hour=\${hour}/`,
        },
        partitionKeys: [
          { name: 'dt', type: 'string' },
          { name: 'hour', type: 'string' },
        ],
        storageDescriptor: {
          location: serviceRoot,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: { serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe', parameters: { 'ignore.malformed.json': 'true' } },
          columns: [
            { name: 'messagetype', type: 'string' },
            { name: 'owner', type: 'string' },
            { name: 'loggroup', type: 'string' },
            { name: 'logstream', type: 'string' },
            { name: 'subscriptionfilters', type: 'array<string>' },
            { name: 'logevents', type: 'array<struct<id:string,timestamp:bigint,message:string>>' },
          ],
        },
      },
    });
    serviceLogs.node.addDependency(this.database);

    const albRoot = `s3://${props.accessLogBucket.bucketName}/${ALB_LOGS_PREFIX}/`;
    const albLogs = new glue.CfnTable(this, 'AlbLogs', {
      catalogId: stack.account,
      databaseName,
      tableInput: {
        name: ALB_LOGS_TABLE,
        description: 'ALB access logs of every load balancer shard, parsed by the expression in analytics/alb-format.ts',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          'projection.enabled': 'true',
          'projection.shard.type': 'integer',
          'projection.shard.range': `0,${QUOTAS.albsPerRegion.limit - 1}`,
          'projection.day.type': 'date',
          'projection.day.format': 'yyyy/MM/dd',
          'projection.day.range': range,
          'projection.day.interval': '1',
          'projection.day.interval.unit': 'DAYS',
          'storage.location.template': `${albRoot}\${shard}/AWSLogs/${stack.account}/elasticloadbalancing/${stack.region}/\${day}`,
        },
        partitionKeys: [
          { name: 'shard', type: 'int' },
          { name: 'day', type: 'string' },
        ],
        storageDescriptor: {
          location: albRoot,
          inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
          serdeInfo: {
            serializationLibrary: 'org.apache.hadoop.hive.serde2.RegexSerDe',
            parameters: { 'serialization.format': '1', 'input.regex': ALB_LINE_REGEX },
          },
          columns: ALB_COLUMNS.map((name) => ({ name, type: 'string' })),
        },
      },
    });
    albLogs.node.addDependency(this.database);

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: resourceName.logWorkgroup(props.estate, props.environment),
      description: `cityplan ${props.estate}/${props.environment}: log queries`,
      state: 'ENABLED',
      // Deleting the stack deletes the workgroup with its named queries and saved results list.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${props.logBucket.bucketName}/${ATHENA_RESULTS_PREFIX}`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });

    const tables: AthenaTables = { database: databaseName, serviceLogs: SERVICE_LOGS_TABLE, albLogs: ALB_LOGS_TABLE, days: NAMED_QUERY_DAYS };
    for (const query of NAMED_QUERIES) {
      const named = new athena.CfnNamedQuery(this, `Query-${query.name}`, {
        name: query.name,
        description: query.description,
        database: databaseName,
        workGroup: this.workgroup.ref,
        queryString: athenaQueryText(query, tables),
      });
      named.node.addDependency(serviceLogs, albLogs);
    }
  }
}
