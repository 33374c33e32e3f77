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
    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApplicationELB',
        metricName,
        statistic,
        period: Duration.minutes(1),
        dimensionsMap: { LoadBalancer: props.loadBalancerFullName, TargetGroup: props.targetGroupFullName },
      });
    const name = (what: Parameters<typeof resourceName.alarm>[3]) => resourceName.alarm(estate, env.name, service.name, what);

    this.errorRate = new cloudwatch.Alarm(this, 'ErrorRate', {
      alarmName: name('error-rate'),
      alarmDescription: `More than ${service.alarms.errorRate}% of requests to ${service.name} (${env.name}) answered 5xx`,
      metric: new cloudwatch.MathExpression({
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
      metric: metric('TargetResponseTime', 'p99'),
      threshold: service.alarms.latencyP99 / 1000,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.unhealthyHosts = new cloudwatch.Alarm(this, 'UnhealthyHosts', {
      alarmName: name('unhealthy-hosts'),
      alarmDescription: `${service.name} (${env.name}) has tasks failing their health check`,
      metric: metric('UnHealthyHostCount', 'Maximum'),
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
