import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { resourceName } from '../naming/names';

export interface WebAnomalyAlarmsProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  readonly loadBalancerFullName: string;
  /** The service's target groups: one, or two for a service ECS deploys by shifting traffic. */
  readonly targetGroupFullNames: readonly string[];
  readonly topicArn: string;
}

/**
 * CloudWatch anomaly detection on a web service's traffic: an alarm when its request count leaves
 * the band the model learnt (either way: a drop is as telling as a surge) and when its average
 * target response time rises above it. CloudWatch trains one model per alarm metric from up to two
 * weeks of history (CloudWatch User Guide, "Using CloudWatch anomaly detection"); the band is 3
 * standard deviations wide, and 3 of 5 five-minute periods must breach, so a deploy's blip does
 * not page. Both tell the environment's alerts topic; the responder (operations/) hears every
 * alarm state change through EventBridge on its own.
 *
 * Two target groups (traffic shifting) are summed (requests) or averaged by requests (latency)
 * with metric math, which anomaly detection models like a single metric.
 */
export class WebAnomalyAlarms extends Construct {
  readonly requests: cloudwatch.Alarm;
  readonly latency: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebAnomalyAlarmsProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const metric = (targetGroup: string, metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        statistic,
        period,
        dimensionsMap: { LoadBalancer: props.loadBalancerFullName, TargetGroup: targetGroup },
      });
    const [first, second] = props.targetGroupFullNames;
    const requests: cloudwatch.IMetric = second
      ? new cloudwatch.MathExpression({
          expression: 'FILL(r1, 0) + FILL(r2, 0)',
          usingMetrics: { r1: metric(first!, 'RequestCount', 'Sum'), r2: metric(second, 'RequestCount', 'Sum') },
          period,
          label: 'Requests (both target groups)',
        })
      : metric(first!, 'RequestCount', 'Sum');
    const latency: cloudwatch.IMetric = second
      ? new cloudwatch.MathExpression({
          expression: '(FILL(t1, 0) * FILL(r1, 0) + FILL(t2, 0) * FILL(r2, 0)) / MAX([FILL(r1, 0) + FILL(r2, 0), 1])',
          usingMetrics: {
            t1: metric(first!, 'TargetResponseTime', 'Average'),
            t2: metric(second, 'TargetResponseTime', 'Average'),
            r1: metric(first!, 'RequestCount', 'Sum'),
            r2: metric(second, 'RequestCount', 'Sum'),
          },
          period,
          label: 'Average response time (both target groups)',
        })
      : metric(first!, 'TargetResponseTime', 'Average');
    const common = { stdDevs: 3, evaluationPeriods: 5, datapointsToAlarm: 3, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING };
    this.requests = new cloudwatch.AnomalyDetectionAlarm(this, 'Requests', {
      ...common,
      alarmName: resourceName.alarm(props.estate, props.environment, props.service, 'requests-anomaly'),
      alarmDescription: `Requests to ${props.service} (${props.environment}) are outside the band CloudWatch learnt`,
      metric: requests,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_LOWER_OR_GREATER_THAN_UPPER_THRESHOLD,
    });
    this.latency = new cloudwatch.AnomalyDetectionAlarm(this, 'Latency', {
      ...common,
      alarmName: resourceName.alarm(props.estate, props.environment, props.service, 'latency-anomaly'),
      alarmDescription: `Response time of ${props.service} (${props.environment}) is above the band CloudWatch learnt`,
      metric: latency,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
    });
    const topic = sns.Topic.fromTopicArn(this, 'Alerts', props.topicArn);
    for (const alarm of [this.requests, this.latency]) alarm.addAlarmAction(new actions.SnsAction(topic));
  }
}
