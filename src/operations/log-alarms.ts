/**
 * Alarms on a service's log stream: metric filters on its log group turn structured JSON log lines
 * into metrics, and alarms on those metrics go to ALARM, which EventBridge delivers to the
 * environment's responder (deploy-regression answers them). The alarms have no actions of their
 * own: the responder tells the owner, with the evidence, so nobody is told twice.
 *
 * What is counted (JSON lines with a `level` field, as pino, winston, structlog, logback's JSON
 * encoders and most structured loggers write them):
 *   lines   every JSON line with a level: the denominator of the error rate
 *   errors  level error / ERROR (or pino's 50)
 *   fatal   level fatal / FATAL / critical / CRITICAL (or pino's 60)
 * and one metric per `logs.alarmOn` pattern. A crash that writes no structured line still shows as
 * a stopped task (crash-loop).
 *
 * Quotas and cost (CloudWatch Logs and CloudWatch quotas; CloudWatch pricing, eu-west-2, 2026):
 * 100 metric filters per log group (not adjustable): cityplan takes 3 plus one per `alarmOn`
 * pattern (at most 20), leaving room for the log pipeline's subscription (a subscription filter is
 * a separate quota: 2 per log group). Each metric is a custom metric ($0.30 a month while it has
 * data; the filters set no default value, so a quiet service publishes none) and each alarm
 * $0.10 a month per metric it reads: log-errors reads 2, so a service costs about $0.30 a month
 * in alarms and up to $0.90 in metrics, plus $0.10 and $0.30 per `alarmOn` pattern.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { ServiceSpec } from '../manifest/spec';
import { resourceName } from '../naming/names';

export interface LogAlarmsProps {
  readonly estate: string;
  readonly environment: string;
  readonly service: ServiceSpec;
  readonly logGroup: logs.ILogGroup;
}

/** Filter patterns for structured lines (CloudWatch Logs JSON filter syntax). */
export const LOG_PATTERNS = {
  lines: '{ $.level = * }',
  errors: '{ ($.level = "error") || ($.level = "ERROR") || ($.level = 50) }',
  fatal: '{ ($.level = "fatal") || ($.level = "FATAL") || ($.level = "critical") || ($.level = "CRITICAL") || ($.level = 60) }',
} as const;

/**
 * The fewest structured lines in 5 minutes for the error rate to mean anything: below it one
 * error in a quiet minute would be a 50% error rate.
 */
export const MIN_LINES_FOR_RATE = 20;

export class LogAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: LogAlarmsProps) {
    super(scope, id);
    const { estate, environment: env, service, logGroup } = props;
    const namespace = resourceName.logMetricNamespace(estate, env);
    const metric = (name: string, pattern: string, period: Duration) => {
      new logs.MetricFilter(this, `${name}Filter`.replace(/^./, (c) => c.toUpperCase()), {
        logGroup,
        filterPattern: logs.FilterPattern.literal(pattern),
        metricNamespace: namespace,
        metricName: `${service.name}/${name}`,
        metricValue: '1',
      });
      return new cloudwatch.Metric({ namespace, metricName: `${service.name}/${name}`, statistic: 'Sum', period });
    };
    const fiveMinutes = Duration.minutes(5);
    const lines = metric('lines', LOG_PATTERNS.lines, fiveMinutes);
    const errors = metric('errors', LOG_PATTERNS.errors, fiveMinutes);
    const fatal = metric('fatal', LOG_PATTERNS.fatal, Duration.minutes(1));
    const alarm = (id: string, props: Omit<cloudwatch.AlarmProps, 'evaluationPeriods'>) => {
      const a = new cloudwatch.Alarm(this, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props, evaluationPeriods: 1 });
      Validations.of(a).acknowledge({
        id: 'NIST.800.53.R5-CloudWatchAlarmAction',
        reason: "EventBridge delivers this alarm's state changes to the environment's runbook responder, which acts and tells the owner with the evidence; an alarm action too would tell them twice.",
      });
      this.alarms.push(a);
      return a;
    };
    alarm('ErrorRate', {
      alarmName: resourceName.alarm(estate, env, service.name, 'log-errors'),
      alarmDescription: `${service.name}: more than ${service.alarms.errorRate}% of its structured log lines are errors (5 minutes, at least ${MIN_LINES_FOR_RATE} lines)`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(lines >= ${MIN_LINES_FOR_RATE}, 100 * errors / lines, 0)`,
        usingMetrics: { lines, errors },
        period: fiveMinutes,
        label: 'log error rate (%)',
      }),
      threshold: service.alarms.errorRate,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    alarm('Fatal', {
      alarmName: resourceName.alarm(estate, env, service.name, 'log-fatal'),
      alarmDescription: `${service.name}: a fatal or critical log line`,
      metric: fatal,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    service.logs.alarmOn.forEach((pattern, i) => {
      const n = i + 1;
      alarm(`Pattern${n}`, {
        alarmName: resourceName.alarm(estate, env, service.name, `log-pattern-${n}`),
        alarmDescription: `${service.name}: a log line matched ${pattern.slice(0, 900)}`,
        metric: metric(`pattern-${n}`, pattern, fiveMinutes),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    });
  }
}
