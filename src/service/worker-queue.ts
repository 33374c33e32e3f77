import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { resourceName } from '../naming/names';
import type { Subscription } from '../manifest/spec';
import { topicArn } from './service-topics';

/** Defaults of `queue` (docs/manifest.md). */
export const QUEUE_DEFAULTS = { visibilityTimeout: 30, fifo: false, maxReceives: 5 } as const;

/**
 * How long the dead-letter queue keeps a message: SQS's most, 14 days (SQS quotas: message
 * retention 60 seconds to 14 days). Longer than the queue's own 4 days, as SQS advises for
 * dead-letter queues, so that a message is never lost there before someone has looked at it.
 */
const DEAD_LETTER_RETENTION = Duration.days(14);

export interface WorkerQueueProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  /** The manifest's `queue`: seconds (0–43200), FIFO, receives (1–1000) before dead-lettering. */
  readonly queue: { readonly visibilityTimeout?: number; readonly fifo?: boolean; readonly maxReceives?: number };
  /** Other services' topics (or the worker's own) delivered into the queue. Standard queues only. */
  readonly subscribe: readonly Subscription[];
  /** Topics the worker itself publishes, for subscriptions to its own topics (created in this stack). */
  readonly ownTopics: ReadonlyMap<string, sns.ITopic>;
  /** The environment key: both queues are encrypted with it. */
  readonly key: kms.IKey;
  /** The worker's task role: the one consumer. */
  readonly consumer: iam.IRole;
  /** The environment's alerts topic, told when dead letters arrive and when they are gone. */
  readonly alertsTopicArn: string;
}

/**
 * A worker's SQS queue and its dead-letter queue.
 *
 * - Both encrypted with the environment key, and TLS only (a deny on aws:SecureTransport false).
 * - A message received `maxReceives` times without being deleted moves to the dead-letter queue,
 *   which keeps it 14 days; an alarm tells the alerts topic as soon as one is there.
 * - FIFO when asked, both queues (SQS requires a FIFO queue's dead-letter queue to be FIFO), with
 *   content-based deduplication so that senders need not give a deduplication id.
 * - Only the worker consumes: its task role is granted consumption (and kms:Decrypt), and the
 *   queue policy denies sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility
 *   (which also govern their batch forms) to every other principal, the account's administrators
 *   and root included. It denies nothing else: CloudFormation and administrators can still
 *   read attributes, purge, change the policy (which CloudTrail records) or delete the queue, so
 *   the policy cannot lock the estate out of its own queue. The dead-letter queue has no such
 *   deny: people inspect and redrive what lands there (SQS's redrive needs ReceiveMessage and
 *   DeleteMessage on it), under IAM and the key's policy.
 * - Each `subscribe` entry is an SNS subscription of that topic (its ARN computed from its
 *   deterministic name) with the entry's filter policy on message attributes; sns.amazonaws.com
 *   may send into both queues only from those topics (aws:SourceArn). Raw message delivery is off:
 *   each message arrives in SNS's JSON envelope, whose TopicArn tells a worker subscribed to
 *   several topics where a message came from, and whose MessageId lets it drop a redelivery. A
 *   message SNS cannot deliver goes to the dead-letter queue too (the subscription's redrive
 *   policy), where the alarm sees it.
 */
export class WorkerQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WorkerQueueProps) {
    super(scope, id);
    const fifo = props.queue.fifo ?? QUEUE_DEFAULTS.fifo;
    const maxReceives = props.queue.maxReceives ?? QUEUE_DEFAULTS.maxReceives;
    const encryption = { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.key, enforceSSL: true } as const;
    const fifoProps = fifo ? { fifo: true, contentBasedDeduplication: true } : {};

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      queueName: resourceName.deadLetterQueue(props.estate, props.environment, props.service, fifo),
      retentionPeriod: DEAD_LETTER_RETENTION,
      ...fifoProps,
      ...encryption,
    });
    this.queue = new sqs.Queue(this, 'Messages', {
      queueName: resourceName.queue(props.estate, props.environment, props.service, fifo),
      visibilityTimeout: Duration.seconds(props.queue.visibilityTimeout ?? QUEUE_DEFAULTS.visibilityTimeout),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: maxReceives },
      ...fifoProps,
      ...encryption,
    });

    this.queue.grantConsumeMessages(props.consumer);
    Validations.of(props.consumer).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "The task role policy is generated from this service's own topics and queue alone; it lives and dies with the role and is never shared.",
    });
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OnlyTheWorkerConsumes',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'],
        resources: [this.queue.queueArn],
        conditions: { StringNotEquals: { 'aws:PrincipalArn': props.consumer.roleArn } },
      }),
    );

    const topics = props.subscribe.map((sub) => ({
      sub,
      arn:
        sub.service === props.service
          ? props.ownTopics.get(sub.topic)!.topicArn
          : topicArn(this, { estate: props.estate, environment: props.environment, service: sub.service, topic: sub.topic }),
    }));
    for (const { sub, arn } of topics) {
      // Keyed by what it subscribes to, never by its place in the list (`_` occurs in no name).
      new sns.CfnSubscription(this, `Subscription-${sub.service}_${sub.topic}`, {
        topicArn: arn,
        protocol: 'sqs',
        endpoint: this.queue.queueArn,
        rawMessageDelivery: false,
        redrivePolicy: { deadLetterTargetArn: this.deadLetters.queueArn },
        ...(sub.filter ? { filterPolicy: sub.filter, filterPolicyScope: 'MessageAttributes' } : {}),
      });
    }
    if (topics.length > 0) {
      for (const queue of [this.queue, this.deadLetters]) {
        queue.addToResourcePolicy(
          new iam.PolicyStatement({
            sid: 'SubscribedTopicsSend',
            principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
            actions: ['sqs:SendMessage'],
            resources: [queue.queueArn],
            conditions: { ArnEquals: { 'aws:SourceArn': topics.map((t) => t.arn) } },
          }),
        );
      }
    }

    this.alarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmName: resourceName.alarm(props.estate, props.environment, props.service, 'dead-letters'),
      alarmDescription: `${props.service} (${props.environment}) has messages in its dead-letter queue: received ${maxReceives} times without being processed, or undeliverable from a topic`,
      // SQS sends queue metrics to CloudWatch every minute.
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      // An empty queue left alone for hours stops sending metrics: nothing to report then.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const notify = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Alerts', props.alertsTopicArn));
    this.alarm.addAlarmAction(notify);
    this.alarm.addOkAction(notify);
  }
}
