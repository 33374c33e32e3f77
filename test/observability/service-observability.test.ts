import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { compile } from '../support/compile';
import { STAGING_ESTATE, webService } from '../support/estate-files';

describe('what every service stack adds for the log pipeline and anomaly detection', () => {
  const estate = compile({
    'estate.yaml': STAGING_ESTATE,
    'services/visits.yaml': webService('visits'),
    'services/payments.yaml': webService('payments', 'deploy:\n  strategy: canary\n'),
    'services/sender.yaml': 'name: sender\nkind: worker\nowner: team@example.gov.uk\nimage: public.ecr.aws/nginx/nginx:1.27\nqueue: {}\n',
  });
  const ssmDefault = (t: ReturnType<typeof estate.template>, name: string) => {
    const params = t.toJSON().Parameters as Record<string, { Default?: string }>;
    return { Ref: Object.keys(params).find((k) => params[k]!.Default === name) };
  };

  it('subscribes the log group of every kind to the environment stream with the role the foundation published, nothing per service in the foundation', () => {
    for (const name of ['test-staging-visits', 'test-staging-sender']) {
      const t = estate.template(name);
      t.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
      t.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
        LogGroupName: { Ref: Match.stringLikeRegexp('^Logs') },
        FilterPattern: '',
        DestinationArn: ssmDefault(t, '/cityplan/test/staging/logs/stream-arn'),
        RoleArn: ssmDefault(t, '/cityplan/test/staging/logs/subscription-role-arn'),
      });
      expect(JSON.stringify(t.toJSON().Resources)).not.toMatch(/"Type":"(AWS::Lambda::Function|Custom::[^"]*)"/);
    }
    expect(JSON.stringify(estate.template('test-staging-foundation').toJSON())).not.toContain('visits');
  });

  it('counts error lines per service for the dashboard, and watches the log group with an anomaly detector that alarms to the alerts topic', () => {
    const t = estate.template('test-staging-sender');
    t.hasResourceProperties('AWS::Logs::MetricFilter', {
      MetricTransformations: [{ MetricNamespace: 'cityplan/test/staging/errors', MetricName: 'sender', MetricValue: '1' }],
    });
    t.hasResourceProperties('AWS::Logs::LogAnomalyDetector', {
      DetectorName: 'test-staging-sender',
      LogGroupArnList: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] }],
      KmsKeyId: ssmDefault(t, '/cityplan/test/staging/key/arn'),
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-staging-sender-log-anomaly',
      Namespace: 'AWS/Logs',
      MetricName: 'AnomalyCount',
      Dimensions: Match.arrayWith([{ Name: 'LogAnomalyDetector', Value: 'test-staging-sender' }, { Name: 'LogAnomalyPriority', Value: 'HIGH' }]),
      AlarmActions: [ssmDefault(t, '/cityplan/test/staging/alerts/topic-arn')],
    });
  });

  it('alarms when a web service leaves the band CloudWatch learnt for its requests (either way) and its latency (above)', () => {
    const t = estate.template('test-staging-visits');
    const band = (metricName: string, operator: string, alarm: string) =>
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: alarm,
        ComparisonOperator: operator,
        ThresholdMetricId: Match.anyValue(),
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: Match.stringLikeRegexp('^ANOMALY_DETECTION_BAND\\(m\\d+, 3\\)$') }),
          Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: metricName, Namespace: 'AWS/ApplicationELB' }) }) }),
        ]),
        AlarmActions: [ssmDefault(t, '/cityplan/test/staging/alerts/topic-arn')],
      });
    band('RequestCount', 'LessThanLowerOrGreaterThanUpperThreshold', 'test-staging-visits-requests-anomaly');
    band('TargetResponseTime', 'GreaterThanUpperThreshold', 'test-staging-visits-latency-anomaly');
    estate.template('test-staging-sender').resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { ThresholdMetricId: Match.anyValue() }, 0);
  });

  it('models both target groups of a service deployed by shifting traffic as one metric', () => {
    const t = estate.template('test-staging-payments');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-staging-payments-requests-anomaly',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'FILL(r1, 0) + FILL(r2, 0)' })]),
    });
  });
});
