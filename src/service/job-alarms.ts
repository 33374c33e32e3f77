import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { resourceName } from '../naming/names';

export interface JobAlarmsProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  readonly stateMachine: sfn.IStateMachine;
  /** The schedule's dead-letter queue. */
  readonly deadLetters: sqs.IQueue;
  /** Minutes after which a run is stopped, for the alarm's description. */
  readonly timeout: number;
  /** SNS topic told on ALARM and OK. */
  readonly topicArn: string;
}

/**
 * A job's two alarms, to the environment's alerts topic:
 *
 * - `run-failed`: in any minute, an execution of the job's state machine failed (a non-zero exit
 *   code, no exit code, a task that could not start, a run stopped at its timeout), timed out (the
 *   execution's own backstop) or was aborted (stopped by hand). Executions skipped because another
 *   run was going succeed. The AWS/States metrics are sparse, so each is filled with 0.
 * - `run-not-started`: Scheduler gave up starting a run and left it in the dead-letter queue; the
 *   alarm stays on until someone reads and removes the message.
 */
export class JobAlarms extends Construct {
  readonly runFailed: cloudwatch.Alarm;
  readonly runNotStarted: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: JobAlarmsProps) {
    super(scope, id);
    const { stateMachine: machine } = props;
    const name = (what: 'run-failed' | 'run-not-started') => resourceName.alarm(props.estate, props.environment, props.service, what);
    const minute = { period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM };

    this.runFailed = new cloudwatch.Alarm(this, 'RunFailed', {
      alarmName: name('run-failed'),
      alarmDescription: `A run of the job ${props.service} (${props.environment}) failed, ran past its ${props.timeout}-minute timeout or was aborted; the state machine's execution history says which`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: machine.metricFailed(minute),
          timedOut: machine.metricTimedOut(minute),
          aborted: machine.metricAborted(minute),
        },
        period: Duration.minutes(1),
        label: 'runs failed, timed out or aborted',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.runNotStarted = new cloudwatch.Alarm(this, 'RunNotStarted', {
      alarmName: name('run-not-started'),
      alarmDescription: `EventBridge Scheduler could not start a run of the job ${props.service} (${props.environment}); its dead-letter queue holds the attempt and the error`,
      metric: props.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const notify = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Alerts', props.topicArn));
    for (const alarm of [this.runFailed, this.runNotStarted]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
