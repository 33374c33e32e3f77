/**
 * The synth-time side of the runbook responder: one function per environment in the foundation,
 * its table, queue and rules; per service, log alarms and the settings parameter it reads.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { parameter } from '../../src/naming/names';
import { responderCodeDir } from '../../src/operations/responder-code';
import { responderVariable as VARIABLES } from '../../src/naming/names';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';

const estate = MINIMAL_ESTATE.replace(/(\n {2}staging:\n)/, '$1    runbooks:\n      dryRun: true\n');
const app = compile({
  'estate.yaml': estate,
  'services/visits.yaml': webService('visits', 'logs:\n  alarmOn: ["payment provider unreachable"]\nrunbooks:\n  crash-loop: {stops: 5}\n'),
  'services/search.yaml': webService('search'),
});
const staging = app.template('test-staging-foundation');
const production = app.template('test-production-foundation');
const visits = app.template('test-staging-visits');

describe('the runbook responder of an environment', () => {
  it('is one Node.js 22 function per environment, with reserved concurrency and a dead-letter queue, whatever the number of services', () => {
    for (const t of [staging, production]) {
      // The other function is aws-cdk-lib's, which empties the VPC's default security group once.
      t.resourcePropertiesCountIs('AWS::Lambda::Function', { FunctionName: Match.stringLikeRegexp('-responder$') }, 1);
      t.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        ReservedConcurrentExecutions: 5,
        DeadLetterConfig: { TargetArn: Match.anyValue() },
        KmsKeyArn: Match.anyValue(),
        VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      });
    }
    visits.resourceCountIs('AWS::Lambda::Function', 0);
  });

  it("sets dry run and the environment's names in the variables the handler reads", () => {
    const fn = Object.values(staging.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'test-staging-responder' } }))[0]!;
    const variables = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(Object.keys(variables).sort()).toEqual(Object.values(VARIABLES).sort());
    expect(variables).toMatchObject({ [VARIABLES.estate]: 'test', [VARIABLES.environment]: 'staging', [VARIABLES.dryRun]: 'true', [VARIABLES.maxActionsPerHour]: '6', [VARIABLES.auditDays]: '90' });
    const prod = Object.values(production.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'test-production-responder' } }))[0]!;
    expect(prod.Properties.Environment.Variables).toMatchObject({ [VARIABLES.dryRun]: 'false', [VARIABLES.auditDays]: '400' });
  });

  it('audits to a table encrypted with the environment key, with TTL and point-in-time recovery, retained where protected', () => {
    const key = Object.keys(staging.findResources('AWS::KMS::Key'))[0]!;
    staging.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } },
      TimeToLiveSpecification: { AttributeName: 'expires', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    production.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
  });

  it('alarms on itself to the alerts topic: an event in its dead-letter queue, a failed invocation', () => {
    const alarms = Object.values(staging.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const own = alarms.filter((a) => ['ApproximateNumberOfMessagesVisible', 'Errors'].includes(a.MetricName));
    expect(own.map((a) => a.MetricName).sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'Errors']);
    for (const a of own) expect(a.AlarmActions).toHaveLength(1);
  });

  it("logs to its own log group under the estate's name", () => {
    staging.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/cityplan/test/staging/responder', KmsKeyId: Match.anyValue() });
  });

  it("is fed by rules for the environment's own cluster and alarms, and by the account-wide events", () => {
    const rules = Object.values(staging.findResources('AWS::Events::Rule')).map((r) => r.Properties.EventPattern);
    expect(rules.map((p) => p['detail-type'][0]).sort()).toEqual([
      'ACM Certificate Approaching Expiration',
      'AWS Health Event',
      'CloudWatch Alarm State Change',
      'Config Rules Compliance Change',
      'ECS Deployment State Change',
      'ECS Service Action',
      'ECS Task State Change',
      'GuardDuty Finding',
    ]);
    const alarm = rules.find((p) => p.source[0] === 'aws.cloudwatch');
    expect(alarm.detail).toEqual({ alarmName: [{ prefix: 'test-staging-' }], state: { value: ['ALARM'] } });
    const task = rules.find((p) => p['detail-type'][0] === 'ECS Task State Change');
    expect(JSON.stringify(task.detail.clusterArn)).toContain(':cluster/test-staging');
    for (const rule of Object.values(staging.findResources('AWS::Events::Rule'))) {
      expect(rule.Properties.Targets[0]).toMatchObject({ DeadLetterConfig: { Arn: expect.anything() }, RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 8 } });
    }
  });

  it('never grants an action on every resource except reads IAM cannot scope', () => {
    const statements = Object.values(staging.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const open = statements.filter((s) => s.Resource === '*').flatMap((s) => [s.Action].flat());
    expect(open.filter((a) => !/^(ec2:Describe|logs:|xray:)/.test(a))).toEqual([]);
    const responder = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('ecs:UpdateService')));
    expect(JSON.stringify(responder)).toContain('service/test-staging/*');
  });
});

describe("the estate's own runbooks", () => {
  it('are published for the responder, each environment its own', () => {
    const files = {
      'estate.yaml': MINIMAL_ESTATE,
      'services/visits.yaml': webService('visits'),
      'runbooks/capacity.yaml': 'name: capacity\ntrigger:\n  event: placement-failure\nactions: [notify]\nenvironments: [staging]\n',
    };
    const own = compile(files);
    const published = (t: ReturnType<typeof own.template>, env: string) =>
      JSON.parse(Object.values(t.findResources('AWS::SSM::Parameter', { Properties: { Name: parameter.estateRunbooks('test', env) } }))[0]!.Properties.Value);
    expect(published(own.template('test-staging-foundation'), 'staging').map((r: { name: string }) => r.name)).toEqual(['capacity']);
    expect(published(own.template('test-production-foundation'), 'production')).toEqual([]);
  });
});

describe('each service, for the responder', () => {
  it('publishes its settings as one SSM parameter the responder reads', () => {
    const param = Object.values(visits.findResources('AWS::SSM::Parameter')).find((p) => p.Properties.Name === parameter.responderSettings('test', 'staging', 'visits'))!;
    expect(JSON.parse(param.Properties.Value)).toEqual({
      kind: 'web',
      owner: 'team@example.gov.uk',
      cpu: 256,
      memory: 512,
      count: { min: 2, max: 4 },
      runbooks: { 'crash-loop': { stops: 5 } },
    });
  });

  it('alarms on its log stream: error rate, fatal lines and each alarmOn pattern, named as the responder reads them', () => {
    // The responder's own filters: those in its namespace (the log pipeline counts error lines in another, for the dashboard).
    const filters = Object.values(visits.findResources('AWS::Logs::MetricFilter'))
      .map((f) => f.Properties)
      .filter((f) => f.MetricTransformations[0].MetricNamespace === 'cityplan/test/staging');
    expect(filters.map((f) => f.MetricTransformations[0].MetricName).sort()).toEqual(['visits/errors', 'visits/fatal', 'visits/lines', 'visits/pattern-1']);
    expect(filters.find((f) => f.MetricTransformations[0].MetricName === 'visits/pattern-1')!.FilterPattern).toBe('payment provider unreachable');
    const names = Object.values(visits.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties.AlarmName);
    expect(names).toEqual(expect.arrayContaining(['test-staging-visits-log-errors', 'test-staging-visits-log-fatal', 'test-staging-visits-log-pattern-1']));
    const search = app.template('test-staging-search');
    // Three of the responder's and the log pipeline's error-line count.
    search.resourceCountIs('AWS::Logs::MetricFilter', 4);
  });

  it('keeps its logs as long as logs.retention says', () => {
    const kept = compile({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits', 'logs:\n  retention: 90\n') }).template('test-production-visits');
    kept.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/cityplan/test/production/visits', RetentionInDays: 90 });
  });
});

describe('the bundle', () => {
  it('is found in dist/, and its absence names the command that builds it', () => {
    expect(responderCodeDir()).toMatch(/dist[/\\]runtime[/\\]responder$/);
    const elsewhere = mkdtempSync(join(tmpdir(), 'cityplan-no-bundle-'));
    expect(() => responderCodeDir(elsewhere)).toThrow(/npm run build/);
  });
});
