import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as aoss from 'aws-cdk-lib/aws-opensearchserverless';
import * as osis from 'aws-cdk-lib/aws-osis';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_LOGS_PREFIX } from '../analytics/layout';
import { resourceName } from '../naming/names';
import { acknowledge } from '../policy/acknowledge';
import { logRetention } from '../platform/retention';

export interface LogSearchProps {
  readonly estate: string;
  readonly environment: string;
  readonly protect: boolean;
  readonly key: kms.IKey;
  /** The log pipeline's bucket, whose new service log objects are indexed. */
  readonly bucket: s3.Bucket;
}

/**
 * `logs.opensearch: true`: the environment's service logs also in an OpenSearch Serverless
 * collection, for OpenSearch Dashboards. Firehose cannot send decompressed CloudWatch Logs records
 * to OpenSearch, so the logs take a second path from the bucket the pipeline already writes: S3
 * announces each new object under `services/` to EventBridge, a rule queues it (SQS, encrypted,
 * with a dead-letter queue), and an OpenSearch Ingestion pipeline reads the queue, fetches the
 * object, parses each envelope line as JSON and writes it to a daily index of the collection.
 * One document is one CloudWatch Logs envelope (a log group's batch of events), not one line.
 *
 * Cost (AWS pricing pages, us-east-1 figures; eu-west-2 is about 10% more; not verified against a
 * bill): the collection bills at least 1 OCU (0.5 indexing + 0.5 search) without standby replicas,
 * 2 with them (protected environments), at $0.24 per OCU-hour: about $175 or $350 a month; the
 * ingestion pipeline 1 to 4 Ingestion OCUs at $0.24 per hour: at least about $175 a month; plus
 * $0.024 per GB-month stored. So at least about $350 a month per environment, $525 when protected.
 *
 * The collection's endpoint is public but every request is signed (IAM): the ingestion role may
 * write, principals of the environment's account allowed aoss:APIAccessAll by IAM may read.
 */
export class LogSearch extends Construct {
  readonly collection: aoss.CfnCollection;

  constructor(scope: Construct, id: string, props: LogSearchProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = resourceName.logCollection(props.estate, props.environment);

    const encryption = new aoss.CfnSecurityPolicy(this, 'EncryptionPolicy', {
      name,
      type: 'encryption',
      description: `cityplan ${props.estate}/${props.environment}: the log collection is encrypted with the environment key`,
      policy: stack.toJsonString({ Rules: [{ ResourceType: 'collection', Resource: [`collection/${name}`] }], AWSOwnedKey: false, KmsARN: props.key.keyArn }),
    });
    const network = new aoss.CfnSecurityPolicy(this, 'NetworkPolicy', {
      name,
      type: 'network',
      description: `cityplan ${props.estate}/${props.environment}: signed requests only, from the ingestion pipeline and the team`,
      policy: stack.toJsonString([
        {
          Rules: [
            { ResourceType: 'collection', Resource: [`collection/${name}`] },
            { ResourceType: 'dashboard', Resource: [`collection/${name}`] },
          ],
          AllowFromPublic: true,
        },
      ]),
    });
    this.collection = new aoss.CfnCollection(this, 'Collection', {
      name,
      type: 'TIMESERIES',
      description: `cityplan ${props.estate}/${props.environment}: service logs`,
      standbyReplicas: props.protect ? 'ENABLED' : 'DISABLED',
    });
    this.collection.node.addDependency(encryption, network);

    // EventBridge, not S3 notifications to SQS directly: aws-cdk-lib writes those through a custom
    // resource, and EventBridge delivery is a plain property of the bucket.
    (props.bucket.node.defaultChild as s3.CfnBucket).addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);
    const deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const queue = new sqs.Queue(this, 'NewObjects', {
      encryptionMasterKey: props.key,
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(5),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    new events.Rule(this, 'NewLogObjects', {
      description: 'New service log objects in the log bucket, for OpenSearch Ingestion',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [props.bucket.bucketName] }, object: { key: [{ prefix: `${SERVICE_LOGS_PREFIX}/` }] } },
      },
      targets: [new targets.SqsQueue(queue)],
    });
    // EventBridge encrypts what it sends into the queue with the environment key.
    props.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    const role = new iam.Role(this, 'IngestionRole', {
      assumedBy: new iam.ServicePrincipal('osis-pipelines.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': stack.account } }),
      description: `OpenSearch Ingestion reads ${props.estate}/${props.environment} service logs from S3 into the log collection`,
    });
    props.bucket.grantRead(role, `${SERVICE_LOGS_PREFIX}/*`);
    queue.grantConsumeMessages(role);
    props.key.grantDecrypt(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['aoss:BatchGetCollection', 'aoss:APIAccessAll'], resources: [this.collection.attrArn] }));
    acknowledge(role, {
      'AwsSolutions-IAM5[Action::s3:GetObject*]': 'Read-only access (aws-cdk-lib bucket grant) to the service log objects of this bucket alone.',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': 'Read-only access (aws-cdk-lib bucket grant) to this bucket alone.',
      'AwsSolutions-IAM5[Action::s3:List*]': 'Read-only access (aws-cdk-lib bucket grant) to this bucket alone.',
      [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/${SERVICE_LOGS_PREFIX}/*]`]:
        'The service log objects of this bucket, which the pipeline indexes, and nothing else.',
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The policy names only this pipeline\'s bucket prefix, queue, key and collection and belongs to its role alone.',
    });

    new aoss.CfnAccessPolicy(this, 'DataAccessPolicy', {
      name,
      type: 'data',
      description: `cityplan ${props.estate}/${props.environment}: the ingestion pipeline writes, the account reads`,
      policy: stack.toJsonString([
        {
          Rules: [
            { ResourceType: 'index', Resource: [`index/${name}/*`], Permission: ['aoss:CreateIndex', 'aoss:UpdateIndex', 'aoss:DescribeIndex', 'aoss:WriteDocument'] },
            { ResourceType: 'collection', Resource: [`collection/${name}`], Permission: ['aoss:DescribeCollectionItems'] },
          ],
          Principal: [role.roleArn],
        },
        {
          Rules: [
            { ResourceType: 'index', Resource: [`index/${name}/*`], Permission: ['aoss:DescribeIndex', 'aoss:ReadDocument'] },
            { ResourceType: 'collection', Resource: [`collection/${name}`], Permission: ['aoss:DescribeCollectionItems'] },
          ],
          Principal: [`arn:${stack.partition}:iam::${stack.account}:root`],
        },
      ]),
    });

    const pipelineName = resourceName.logIngestion(props.estate, props.environment);
    // OpenSearch Ingestion publishes its own logs only to groups under /aws/vendedlogs/.
    const pipelineLogs = new logs.LogGroup(this, 'IngestionLogs', {
      logGroupName: `/aws/vendedlogs/OpenSearchIngestion/${pipelineName}/audit-logs`,
      encryptionKey: props.key,
      retention: logRetention(props.protect),
      removalPolicy: props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const aws = (indent: string) => `${indent}region: ${stack.region}\n${indent}sts_role_arn: ${role.roleArn}`;
    const pipeline = new osis.CfnPipeline(this, 'Ingestion', {
      pipelineName,
      minUnits: 1,
      maxUnits: 4,
      pipelineRoleArn: role.roleArn,
      encryptionAtRestOptions: { kmsKeyArn: props.key.keyArn },
      logPublishingOptions: { isLoggingEnabled: true, cloudWatchLogDestination: { logGroup: pipelineLogs.logGroupName } },
      pipelineConfigurationBody: [
        'version: "2"',
        'service-logs:',
        '  source:',
        '    s3:',
        '      notification_type: sqs',
        '      notification_source: eventbridge',
        '      compression: gzip',
        '      codec:',
        '        newline: {}',
        '      sqs:',
        `        queue_url: ${queue.queueUrl}`,
        '      aws:',
        aws('        '),
        '  processor:',
        '    - parse_json: {}',
        '  sink:',
        '    - opensearch:',
        `        hosts: ["${this.collection.attrCollectionEndpoint}"]`,
        '        index: "service-logs-%{yyyy.MM.dd}"',
        '        aws:',
        aws('          '),
        '          serverless: true',
      ].join('\n'),
    });
    pipeline.node.addDependency(role);
  }
}
