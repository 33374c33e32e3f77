import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { resourceName } from '../naming/names';
import type { EnvironmentSpec, ServiceSpec } from '../manifest/spec';

export interface WebAlarmsProps {
  readonly estate: string;
  readonly environment: EnvironmentSpec;
  readonly service: ServiceSpec;
  readonly loadBalancerFullName: string;
  readonly targetGroupFullName: string;
  /**
   * The second target group of a service ECS deploys by shifting traffic (canary, linear,
   * blue-green): the groups swap roles at every deployment, so each alarm watches both.
   * @default none: the alarms watch `targetGroupFullName` alone
   */
  readonly alternateTargetGroupFullName?: string;
  /** SNS topic told on ALARM and OK. */
  readonly topicArn: string;
}

/**
 * The three alarms every web service has. The error-rate alarm also drives ECS deployment
 * rollback, so its name is fixed (the service refers to it by name).
 */
export class WebAlarms extends Construct {
  readonly errorRate: cloudwatch.Alarm;
  readonly latency: cloudwatch.Alarm;
  readonly unhealthyHosts: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: WebAlarmsProps) {
    super(scope, id);
    const { estate, environment: env, service } = props;
    const metricOf = (targetGroup: string) => (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        statistic,
        period: Duration.minutes(1),
        dimensionsMap: { LoadBalancer: props.loadBalancerFullName, TargetGroup: targetGroup },
      });
    const metric = metricOf(props.targetGroupFullName);
    const other = props.alternateTargetGroupFullName ? metricOf(props.alternateTargetGroupFullName) : undefined;
    // With two groups, a group without traffic reports nothing: FILL makes it count as 0.
    const both = (metricName: string, statistic: string, combine: (a: string, b: string) => string, label: string) =>
      new cloudwatch.MathExpression({
        expression: combine('FILL(a, 0)', 'FILL(b, 0)'),
        usingMetrics: { a: metric(metricName, statistic), b: other!(metricName, statistic) },
        period: Duration.minutes(1),
        label,
      });
    const name = (what: Parameters<typeof resourceName.alarm>[3]) => resourceName.alarm(estate, env.name, service.name, what);

    this.errorRate = new cloudwatch.Alarm(this, 'ErrorRate', {
      alarmName: name('error-rate'),
      alarmDescription: `More than ${service.alarms.errorRate}% of requests to ${service.name} (${env.name}) answered 5xx`,
      metric: other
        ? new cloudwatch.MathExpression({
            expression: 'IF((FILL(r1, 0) + FILL(r2, 0)) > 0, 100 * (FILL(e1, 0) + FILL(e2, 0)) / (FILL(r1, 0) + FILL(r2, 0)), 0)',
            usingMetrics: {
              e1: metric('HTTPCode_Target_5XX_Count', 'Sum'),
              e2: other('HTTPCode_Target_5XX_Count', 'Sum'),
              r1: metric('RequestCount', 'Sum'),
              r2: other('RequestCount', 'Sum'),
            },
            period: Duration.minutes(1),
            label: '5xx rate (%) of both target groups',
          })
        : new cloudwatch.MathExpression({
            expression: 'IF(requests > 0, 100 * errors / requests, 0)',
            usingMetrics: { errors: metric('HTTPCode_Target_5XX_Count', 'Sum'), requests: metric('RequestCount', 'Sum') },
            period: Duration.minutes(1),
            label: '5xx rate (%)',
          }),
      threshold: service.alarms.errorRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.latency = new cloudwatch.Alarm(this, 'LatencyP99', {
      alarmName: name('latency-p99'),
      alarmDescription: `p99 response time of ${service.name} (${env.name}) above ${service.alarms.latencyP99} ms`,
      metric: other ? both('TargetResponseTime', 'p99', (a, b) => `MAX([${a}, ${b}])`, 'p99 response time (s), the slower group') : metric('TargetResponseTime', 'p99'),
      threshold: service.alarms.latencyP99 / 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.unhealthyHosts = new cloudwatch.Alarm(this, 'UnhealthyHosts', {
      alarmName: name('unhealthy-hosts'),
      alarmDescription: `${service.name} (${env.name}) has tasks failing their health check`,
      metric: other ? both('UnHealthyHostCount', 'Maximum', (a, b) => `${a} + ${b}`, 'unhealthy tasks in both groups') : metric('UnHealthyHostCount', 'Maximum'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const notify = new actions.SnsAction(sns.Topic.fromTopicArn(this, 'Alerts', props.topicArn));
    for (const alarm of [this.errorRate, this.latency, this.unhealthyHosts]) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
}
