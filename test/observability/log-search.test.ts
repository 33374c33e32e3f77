import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { compile } from '../support/compile';
import { STAGING_ESTATE } from '../support/estate-files';

describe('logs.opensearch', () => {
  const withSearch = compile({ 'estate.yaml': `${STAGING_ESTATE}logs:\n  opensearch: true\n` }).template('test-staging-foundation');
  const without = compile({ 'estate.yaml': STAGING_ESTATE }).template('test-staging-foundation');

  it('is off by default: no collection, no ingestion pipeline', () => {
    without.resourceCountIs('AWS::OpenSearchServerless::Collection', 0);
    without.resourceCountIs('AWS::OSIS::Pipeline', 0);
  });

  it('indexes the log bucket into a collection encrypted with the environment key, fed by OpenSearch Ingestion from EventBridge notices', () => {
    withSearch.hasResourceProperties('AWS::OpenSearchServerless::Collection', { Name: 'test-staging', Type: 'TIMESERIES', StandbyReplicas: 'DISABLED' });
    const policy = withSearch.findResources('AWS::OpenSearchServerless::SecurityPolicy', { Properties: { Type: 'encryption' } });
    expect(JSON.stringify(Object.values(policy)[0])).toMatch(/AWSOwnedKey\\":false,\\"KmsARN\\":\\"",\{"Fn::GetAtt":\["Key[0-9A-F]+","Arn"\]/);
    withSearch.hasResourceProperties('AWS::S3::Bucket', { NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } } });
    withSearch.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { object: { key: [{ prefix: 'services/' }] } } },
    });
    withSearch.hasResourceProperties('AWS::OSIS::Pipeline', { PipelineName: 'test-staging', MinUnits: 1, EncryptionAtRestOptions: { KmsKeyArn: Match.anyValue() } });
    // The same number of functions as without it: no Lambda, no custom resource for the second path.
    expect(Object.keys(withSearch.findResources('AWS::Lambda::Function'))).toEqual(Object.keys(without.findResources('AWS::Lambda::Function')));
  });

  it('gives the ingestion pipeline a well-formed configuration: S3 through SQS, gzip lines parsed as JSON, into the collection', () => {
    const [pipeline] = Object.values(withSearch.findResources('AWS::OSIS::Pipeline')) as Array<{ Properties: { PipelineConfigurationBody: { 'Fn::Join': [string, unknown[]] } } }>;
    const text = pipeline!.Properties.PipelineConfigurationBody['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : 'TOKEN')).join('');
    const config = parse(text) as Record<string, { source: { s3: Record<string, unknown> }; processor: unknown[]; sink: Array<{ opensearch: Record<string, unknown> }> }>;
    const logs = config['service-logs']!;
    expect(logs.source.s3).toMatchObject({ notification_type: 'sqs', notification_source: 'eventbridge', compression: 'gzip', codec: { newline: {} }, sqs: { queue_url: 'TOKEN' } });
    expect(logs.processor).toEqual([{ parse_json: {} }]);
    expect(logs.sink[0]!.opensearch).toMatchObject({ hosts: ['TOKEN'], aws: { region: 'eu-west-2', sts_role_arn: 'TOKEN', serverless: true } });
  });
});
