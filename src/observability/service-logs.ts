import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { parameter, resourceName } from '../naming/names';
import { published } from '../platform/imports';

/** The namespace of the environment's error-line counts: one metric per service, named after it (the dashboard ranks them). */
export const errorLinesNamespace = (estate: string, env: string) => `cityplan/${estate}/${env}/errors`;

/**
 * A log line counted as an error by the metric filter: a JSON `"level":"error"`/`"fatal"`, or the
 * word ERROR or FATAL anywhere. Close to, but not the same as, the Athena definition (which reads
 * a plain line's first level word only): a filter pattern cannot say "first".
 */
export const ERROR_LINE_PATTERN = '?ERROR ?FATAL ?"\\"level\\":\\"error\\"" ?"\\"level\\":\\"fatal\\""';

export interface ServiceLogsProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  readonly logGroup: logs.ILogGroup;
  readonly key: kms.IKey;
}

/**
 * What the log pipeline and the anomaly detection add to a service's log group, in the service's
 * own stack (no Lambda, no custom resource, nothing in the foundation per service):
 *
 * - a subscription filter sending every line to the environment's Firehose stream (stream and
 *   role read from SSM). CloudWatch Logs allows 2 subscription filters per log group: this takes
 *   one, leaving one for the team;
 * - a metric filter counting error lines (metric `<service>` in errorLinesNamespace), which the
 *   environment dashboard ranks;
 * - a CloudWatch Logs anomaly detector (one log group per detector: CreateLogAnomalyDetector
 *   takes exactly one ARN, so thousands of services mean thousands of detectors, each created and
 *   deleted with its service) and an alarm on its HIGH-priority anomalies (metric AnomalyCount in
 *   AWS/Logs, dimensions LogAnomalyDetector and LogAnomalyPriority: CloudWatch Logs User Guide,
 *   "Log anomaly detection") telling the environment's alerts topic.
 */
export class ServiceLogs extends Construct {
  readonly anomalyAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ServiceLogsProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { estate, environment: env, service } = props;
    new logs.CfnSubscriptionFilter(this, 'Subscription', {
      logGroupName: props.logGroup.logGroupName,
      filterPattern: '',
      destinationArn: published(stack, parameter.logStreamArn(estate, env)),
      roleArn: published(stack, parameter.logSubscriptionRoleArn(estate, env)),
    });
    new logs.MetricFilter(this, 'ErrorLines', {
      logGroup: props.logGroup,
      filterPattern: logs.FilterPattern.literal(ERROR_LINE_PATTERN),
      metricNamespace: errorLinesNamespace(estate, env),
      metricName: service,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    });
    const detectorName = resourceName.logAnomalyDetector(estate, env, service);
    const detector = new logs.CfnLogAnomalyDetector(this, 'Anomalies', {
      detectorName,
      logGroupArnList: [props.logGroup.logGroupArn],
      evaluationFrequency: 'FIFTEEN_MIN',
      // An anomaly not fixed within 3 weeks becomes the new normal (default 21 days).
      anomalyVisibilityTime: 21,
      kmsKeyId: props.key.keyArn,
    });
    this.anomalyAlarm = new cloudwatch.Alarm(this, 'AnomalyAlarm', {
      alarmName: resourceName.alarm(estate, env, service, 'log-anomaly'),
      alarmDescription: `CloudWatch Logs found high-priority anomalies in the logs of ${service} (${env})`,
      metric: new cloudwatch.Metric({
        namespace: 'AWS/Logs',
        metricName: 'AnomalyCount',
        dimensionsMap: { LogAnomalyDetector: detectorName, LogAnomalyPriority: 'HIGH' },
        statistic: 'Sum',
        period: Duration.minutes(15),
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.anomalyAlarm.node.addDependency(detector);
    const topic = sns.Topic.fromTopicArn(this, 'Alerts', published(stack, parameter.alertsTopicArn(estate, env)));
    this.anomalyAlarm.addAlarmAction(new actions.SnsAction(topic));
  }
}
