import { Duration, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/**
 * How long, and how many times, EventBridge Scheduler keeps trying to start a run that its target
 * refused (throttling, a state machine being updated): an hour, five retries. A nightly job
 * started later than that is better not started; the attempt goes to the dead-letter queue, which
 * raises an alarm. (Scheduler allows 60 seconds to 24 hours and 0–185 retries.)
 */
export const START_RETRY = { maxEventAge: Duration.hours(1), retryAttempts: 5 } as const;

export interface JobScheduleProps {
  /** The schedule's name in the account's default schedule group (resourceName.jobSchedule). */
  readonly scheduleName: string;
  /** The manifest's `schedule`: `cron(...)` or `rate(...)`, checked by src/manifest/schedule.ts. */
  readonly expression: string;
  readonly stateMachine: sfn.IStateMachine;
  /** The environment's key: the dead-letter queue is encrypted with it. */
  readonly key: kms.IKey;
  readonly description: string;
}

/**
 * The job's EventBridge Scheduler schedule: at each time of `expression`, in UTC, it starts an
 * execution of the job's state machine with `{ scheduledTime, attempt }` as input. An execution
 * Scheduler could not start after START_RETRY goes, with the error, to an SQS dead-letter queue
 * encrypted with the environment key (a standard queue: Scheduler takes no FIFO queue).
 *
 * UTC, not a local time zone: Scheduler could take one (ScheduleExpressionTimezone), but at the
 * change to and from summer time a local-time schedule skips or repeats runs in that hour, and
 * every job of the estate reads the same way in UTC.
 */
export class JobSchedule extends Construct {
  readonly schedule: scheduler.Schedule;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: JobScheduleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the schedule's dead-letter queue (Scheduler's DeadLetterConfig): the end of the line for runs Scheduler could not start, watched by an alarm.",
    });

    // Assumed by Scheduler for schedules of this account's default group only (confused deputy).
    const role = new iam.Role(this, 'Role', {
      description: `cityplan: starts ${props.scheduleName} on its schedule`,
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': stack.account,
            'aws:SourceArn': stack.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
          },
        },
      }),
    });
    // Sending to a queue encrypted with a customer managed key takes the key too.
    props.key.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    Validations.of(role).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "The policy allows starting this job's state machine and writing to its dead-letter queue, nothing else; it lives and dies with the role and is never shared.",
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      scheduleName: props.scheduleName,
      description: props.description,
      schedule: scheduler.ScheduleExpression.expression(props.expression, TimeZone.ETC_UTC),
      timeWindow: scheduler.TimeWindow.off(),
      target: new targets.StepFunctionsStartExecution(props.stateMachine, {
        role,
        deadLetterQueue: this.deadLetters,
        ...START_RETRY,
        input: scheduler.ScheduleTargetInput.fromObject({
          scheduledTime: scheduler.ContextAttribute.scheduledTime,
          attempt: scheduler.ContextAttribute.attemptNumber,
        }),
      }),
    });
  }
}
