import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ALB_COLUMNS, ALB_LINE_REGEX } from '../../src/analytics/alb-format';
import { NAMED_QUERIES } from '../../src/analytics/queries';
import { BYTES_SCANNED_CUTOFF } from '../../src/observability/log-catalog';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE } from '../support/estate-files';

describe('the environment log pipeline, catalog and dashboard (foundation)', () => {
  const estate = compile({ 'estate.yaml': MINIMAL_ESTATE });
  const staging = estate.template('test-staging-foundation');
  const production = estate.template('test-production-foundation');
  const key = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
  const resources = (type: string) =>
    Object.entries(staging.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>).filter(([, r]) => r.Type === type);

  it('sends subscription records through Firehose itself: decompressed, partitioned by service and hour, never through a Lambda', () => {
    staging.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamName: 'test-staging-logs',
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: key },
      ExtendedS3DestinationConfiguration: {
        Prefix: 'services/dt=!{timestamp:yyyy-MM-dd}/hour=!{timestamp:HH}/service=!{partitionKeyFromQuery:service}/',
        ErrorOutputPrefix: 'errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/',
        CompressionFormat: 'GZIP',
        EncryptionConfiguration: { KMSEncryptionConfig: { AWSKMSKeyARN: key } },
        DynamicPartitioningConfiguration: { Enabled: true },
        BufferingHints: { SizeInMBs: 64 },
        ProcessingConfiguration: {
          Enabled: true,
          Processors: [
            Match.objectLike({ Type: 'Decompression' }),
            {
              Type: 'MetadataExtraction',
              Parameters: Match.arrayWith([{ ParameterName: 'MetadataExtractionQuery', ParameterValue: '{"service":((.logGroup | split("/") | .[4]) // "_control")}' }]),
            },
            Match.objectLike({ Type: 'AppendDelimiterToRecord' }),
          ],
        },
      },
    });
  });

  it('keeps the logs in a KMS bucket of the environment key, logged to the access-log bucket, for the retention of the environment', () => {
    staging.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key }, BucketKeyEnabled: true }] },
      LoggingConfiguration: { LogFilePrefix: 's3/_log-pipeline/' },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 90 }), Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 30 })]) },
    });
    production.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { LogFilePrefix: 's3/_log-pipeline/' }, LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 400 })]) } });
  });

  it('lets CloudWatch Logs put records into this stream only, and publishes stream and role for service stacks', () => {
    const [[roleId]] = resources('AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('"Service":"logs.amazonaws.com"'));
    staging.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: Match.arrayWith([{ Effect: 'Allow', Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'], Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('Stream'), 'Arn'] } }]),
      },
    });
    staging.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cityplan/test/staging/logs/stream-arn', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('Stream'), 'Arn'] } });
    staging.hasResourceProperties('AWS::SSM::Parameter', { Name: '/cityplan/test/staging/logs/subscription-role-arn', Value: { 'Fn::GetAtt': [roleId, 'Arn'] } });
  });

  it("subscribes the responder's log group, so its audit trail lands in S3 too", () => {
    staging.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/cityplan/test/staging/responder',
      FilterPattern: '',
      DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Stream'), 'Arn'] },
    });
    // Named, not referenced: without the ordering CloudFormation may subscribe a log group not yet made.
    const [[groupId]] = resources('AWS::Logs::LogGroup').filter(([, g]) => g.Properties.LogGroupName === '/cityplan/test/staging/responder');
    const [, filter] = resources('AWS::Logs::SubscriptionFilter').find(([, f]) => f.Properties.LogGroupName === '/cityplan/test/staging/responder')!;
    expect((filter as { DependsOn?: string[] }).DependsOn).toContain(groupId);
  });

  it('catalogues service logs and ALB access logs with partition projection over the bucket layouts', () => {
    staging.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'cityplan_test__staging' } });
    const [, serviceLogs] = resources('AWS::Glue::Table').find(([, t]) => (t.Properties.TableInput as { Name: string }).Name === 'service_logs')!;
    const serviceInput = serviceLogs.Properties.TableInput as { Parameters: Record<string, unknown>; PartitionKeys: unknown[] };
    expect(serviceInput.Parameters).toMatchObject({ 'projection.enabled': 'true', 'projection.dt.type': 'date', 'projection.dt.range': 'NOW-90DAYS,NOW', 'projection.hour.range': '0,23' });
    expect(JSON.stringify(serviceInput.Parameters['storage.location.template'])).toContain('/services/dt=${dt}/hour=${hour}/');
    const [, albLogs] = resources('AWS::Glue::Table').find(([, t]) => (t.Properties.TableInput as { Name: string }).Name === 'alb_access_logs')!;
    const albInput = albLogs.Properties.TableInput as { Parameters: Record<string, unknown>; StorageDescriptor: { Columns: Array<{ Name: string }>; SerdeInfo: { Parameters: Record<string, string> } } };
    expect(JSON.stringify(albInput.Parameters['storage.location.template'])).toContain('/ingress/${shard}/AWSLogs/222222222222/elasticloadbalancing/eu-west-2/${day}');
    expect(albInput.Parameters['projection.day.format']).toBe('yyyy/MM/dd');
    expect(albInput.StorageDescriptor.SerdeInfo.Parameters['input.regex']).toBe(ALB_LINE_REGEX);
    expect(albInput.StorageDescriptor.Columns.map((c) => c.Name)).toEqual([...ALB_COLUMNS]);
  });

  it('enforces an Athena workgroup: results encrypted with the environment key, a scan limit per query; with every named query', () => {
    staging.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'cityplan-test-staging',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: BYTES_SCANNED_CUTOFF,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: key } },
      },
    });
    const queries = resources('AWS::Athena::NamedQuery').map(([, q]) => q.Properties);
    expect(queries.map((q) => q.Name).sort()).toEqual(NAMED_QUERIES.map((q) => q.name).sort());
    for (const q of queries) {
      expect(q.Database).toBe('cityplan_test__staging');
      expect(q.WorkGroup).toEqual({ Ref: expect.stringMatching(/Workgroup/) });
      expect(String(q.QueryString)).toMatch(/FROM "cityplan_test__staging"\."(service_logs|alb_access_logs)"/);
    }
  });

  it('draws one dashboard per environment from SEARCH expressions, so no service needs an edit of the foundation', () => {
    staging.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    staging.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'cityplan-test-staging' });
    const [[, dashboard]] = resources('AWS::CloudWatch::Dashboard');
    const body = JSON.stringify(dashboard.Properties.DashboardBody);
    for (const widget of ['Requests per shard', '5xx per shard', 'Latency p99 per shard', 'Top 10 services by error lines', 'Queue backlogs']) expect(body).toContain(widget);
    expect(body).toContain(`SORT(SEARCH('{cityplan/test/staging/errors}', 'Sum', 300), SUM, DESC, 10)`);
    expect(body).toContain('{AWS/ApplicationELB,LoadBalancer} MetricName=\\\\\\"RequestCount\\\\\\"');
  });
});
