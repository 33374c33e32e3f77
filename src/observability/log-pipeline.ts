import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ERROR_PREFIX, SERVICE_LOGS_PREFIX } from '../analytics/layout';
import { resourceName } from '../naming/names';
import { acknowledge } from '../policy/acknowledge';
import { logRetention } from '../platform/retention';
import { kmsBucketProps } from '../platform/kms-bucket';

export interface LogPipelineProps {
  readonly estate: string;
  readonly environment: string;
  /** The environment key: the bucket, the stream and the pipeline's own error log are encrypted with it. */
  readonly key: kms.IKey;
  /** Where S3 writes the log bucket's own server access logs. */
  readonly accessLogs: s3.IBucket;
  /** Keep logs 400 days rather than 90, and keep the bucket when the stack goes. */
  readonly protect: boolean;
}

/** Prefix of the log bucket's own server access logs in the access-log bucket; `_` is in no service name. */
export const LOG_BUCKET_ACCESS_LOG_PREFIX = 's3/_log-pipeline/';

/** Prefix in the log bucket under which Athena writes query results. */
export const ATHENA_RESULTS_PREFIX = 'athena-results/';

/**
 * The jq 1.6 expression that names a record's partition: the service of the CloudWatch Logs
 * envelope's log group (`/cityplan/<estate>/<env>/<service>[/<n>]`, element 4 after splitting on
 * `/`). A control message has an empty logGroup: it lands under `service=_control`, and the
 * queries skip it by its messageType.
 */
export const SERVICE_PARTITION_QUERY = '((.logGroup | split("/") | .[4]) // "_control")';

/**
 * The environment's log pipeline: every service log group (and the responder's) is subscribed
 * to one Amazon Data Firehose stream, which decompresses the CloudWatch Logs records itself
 * (no Lambda), keeps each envelope whole (log group, stream, events) as one JSON line, partitions
 * by service and hour (dynamic partitioning with jq) and writes gzip objects to a KMS-encrypted
 * bucket in the layout of analytics/layout.ts. Records it cannot decompress, partition or deliver
 * go under `errors/<error type>/`, so nothing is lost silently.
 *
 * Figures (Amazon Data Firehose quotas, as documented; adjustable on request): a direct PUT
 * stream takes 1 MiB/s, 1,000 requests/s and 100,000 records/s in most regions, eu-west-2
 * included (5 MiB/s, 2,000 requests/s and 500,000 records/s in us-east-1, us-west-2 and
 * eu-west-1); dynamic partitioning keeps at most 500 active partitions (service × hour within a
 * buffer) per stream, beyond which records go under the error prefix (metric
 * PartitionCountExceeded, on the dashboard). The buffer is 64 MiB or 300 s, whichever comes
 * first; 64 MiB is the smallest size dynamic partitioning accepts. See docs/architecture.md,
 * "Logs and anomalies", for the cost per GB and the choice of no Lambda.
 */
export class LogPipeline extends Construct {
  readonly bucket: s3.Bucket;
  readonly stream: firehose.DeliveryStream;
  /** The role CloudWatch Logs assumes to put subscription records into the stream. */
  readonly subscriptionRole: iam.Role;

  constructor(scope: Construct, id: string, props: LogPipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const days = props.protect ? 400 : 90;
    this.bucket = new s3.Bucket(this, 'Bucket', {
      ...kmsBucketProps(props.key),
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: LOG_BUCKET_ACCESS_LOG_PREFIX,
      lifecycleRules: [
        { expiration: Duration.days(days), noncurrentVersionExpiration: Duration.days(30) },
        { prefix: ATHENA_RESULTS_PREFIX, expiration: Duration.days(30) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.bucket, {
      'NIST.800.53.R5-S3BucketReplicationEnabled':
        'Logs are versioned and kept in-region for their retention; cross-region replication is a per-estate choice, not a default.',
    });

    // Firehose's own delivery errors (not the records: those go under errors/ in the bucket).
    const errors = new logs.LogGroup(this, 'DeliveryErrors', {
      encryptionKey: props.key,
      retention: logRetention(props.protect),
      removalPolicy: props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    this.stream = new firehose.DeliveryStream(this, 'Stream', {
      deliveryStreamName: resourceName.logDeliveryStream(props.estate, props.environment),
      encryption: firehose.StreamEncryption.customerManagedKey(props.key),
      destination: new firehose.S3Bucket(this.bucket, {
        dataOutputPrefix: `${SERVICE_LOGS_PREFIX}/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/service=!{partitionKeyFromQuery:service}/`,
        errorOutputPrefix: `${ERROR_PREFIX}/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/`,
        compression: firehose.Compression.GZIP,
        encryptionKey: props.key,
        bufferingInterval: Duration.seconds(300),
        bufferingSize: Size.mebibytes(64),
        dynamicPartitioning: { enabled: true, retryDuration: Duration.seconds(300) },
        processors: [
          new firehose.DecompressionProcessor(),
          firehose.MetadataExtractionProcessor.jq16({ service: SERVICE_PARTITION_QUERY }),
          // One envelope per line: what Athena's JSON SerDe and DuckDB's newline-delimited reader expect.
          new firehose.AppendDelimiterToRecordProcessor(),
        ],
        loggingConfig: new firehose.EnableLogging(errors),
      }),
    });

    // The roles Firehose works as, with the grants aws-cdk-lib writes for them: the stream's key
    // (server-side encryption of records in the stream) and the bucket's objects and key.
    const keyOnly = 'Grants on the environment key alone (aws-cdk-lib key grants): Firehose encrypts and re-encrypts data keys for records and objects.';
    const bucketOnly = 'Grants on this log bucket and its objects alone (aws-cdk-lib bucket grant): Firehose writes objects by multipart upload, which needs the Abort, Get and List families.';
    for (const role of ['Service Role', 'S3 Destination Role']) {
      acknowledge(this.stream.node.findChild(role), {
        'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': keyOnly,
        'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': keyOnly,
        'AwsSolutions-IAM5[Action::s3:Abort*]': bucketOnly,
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]': bucketOnly,
        'AwsSolutions-IAM5[Action::s3:GetBucket*]': bucketOnly,
        'AwsSolutions-IAM5[Action::s3:GetObject*]': bucketOnly,
        'AwsSolutions-IAM5[Action::s3:List*]': bucketOnly,
        [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/*]`]: bucketOnly,
        'NIST.800.53.R5-IAMNoInlinePolicy': 'The policy is generated for this stream alone (its key, bucket and error log) and belongs to its role.',
      });
    }

    // CloudWatch Logs puts the records, as the role a subscription filter names (CloudWatch Logs
    // User Guide, "Subscription filters with Amazon Data Firehose": trust logs.amazonaws.com,
    // confined to this account's log resources in this region).
    this.subscriptionRole = new iam.Role(this, 'SubscriptionRole', {
      assumedBy: new iam.ServicePrincipal('logs.amazonaws.com').withConditions({
        StringLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*' }) },
      }),
      description: `CloudWatch Logs puts ${props.estate}/${props.environment} service logs into the log pipeline`,
    });
    this.stream.grantPutRecords(this.subscriptionRole);
    acknowledge(this.subscriptionRole, {
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The policy names only this environment\'s log pipeline stream and belongs to this role alone.',
    });
  }

  /**
   * Subscribes a log group by name (one of the 2 subscription filters CloudWatch Logs allows per
   * log group). The log group must exist when this is deployed.
   */
  subscribe(id: string, logGroupName: string): logs.CfnSubscriptionFilter {
    return new logs.CfnSubscriptionFilter(this, id, {
      logGroupName,
      filterPattern: '',
      destinationArn: this.stream.deliveryStreamArn,
      roleArn: this.subscriptionRole.roleArn,
    });
  }
}
