import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { templateClaims } from '../../src/estate/claims';
import { loadEstate } from '../../src/manifest/load';
import { EstateError } from '../../src/manifest/problems';
import { environmentRoot, resourceName } from '../../src/naming/names';
import { START_RETRY } from '../../src/service/job-schedule';
import { type Call, type Context, definitionOf, execute, TaskError } from '../support/asl';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, writeEstate } from '../support/estate-files';

const ESTATE = `${MINIMAL_ESTATE}  sandbox:\n    account: "444444444444"\n    domain: sandbox.example.gov.uk\n    capacity: spot\n`;
const JOB = [
  'name: nightly',
  'kind: job',
  'owner: team@example.gov.uk',
  'image: example/nightly:1',
  'schedule: cron(30 1 * * ? *)',
  'command: [bin/reconcile]',
  'secrets: [BANK_API_KEY]',
  'environments:',
  '  production:',
  '    timeout: 45',
  '',
].join('\n');

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const resources = (t: Template) => t.toJSON().Resources as Record<string, Resource>;
const only = (t: Template, type: string): Resource => {
  const found = Object.values(resources(t)).filter((r) => r.Type === type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};
const logicalId = (t: Template, type: string) => Object.entries(resources(t)).find(([, r]) => r.Type === type)![0];

describe('job stack', () => {
  // GIVEN a job with a secret, a command, and a shorter timeout in production; sandbox runs on Spot
  const estate = compile({ 'estate.yaml': ESTATE, 'services/nightly.yaml': JOB });
  const production = estate.template('test-production-nightly');
  const staging = estate.template('test-staging-nightly');
  const sandbox = estate.template('test-sandbox-nightly');
  const machine = (t: Template) => definitionOf(only(t, 'AWS::StepFunctions::StateMachine').Properties.DefinitionString);
  const keyRef = (t: Template) => ({ Ref: Object.keys(t.toJSON().Parameters).find((p) => p.includes('keyarn'))! });

  it('is small: no ECS service, no Lambda, no custom resource', () => {
    for (const t of [production, staging, sandbox]) {
      const types = Object.values(resources(t)).map((r) => r.Type);
      // 20 for the job itself, 4 for its logs (observability/: subscription, error-line filter,
      // anomaly detector and alarm) and 6 for the responder (3 log metric filters, 2 log alarms,
      // the settings parameter).
      expect(types.length).toBeLessThanOrEqual(30);
      expect(types.filter((x) => x === 'AWS::ECS::Service' || x === 'AWS::Lambda::Function' || x.startsWith('Custom::'))).toEqual([]);
    }
  });

  it('starts its state machine on the schedule, in UTC, retrying for an hour before the dead-letter queue', () => {
    const schedule = only(production, 'AWS::Scheduler::Schedule').Properties;
    expect(schedule).toMatchObject({
      Name: 'test-production-nightly',
      ScheduleExpression: 'cron(30 1 * * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: { Ref: logicalId(production, 'AWS::StepFunctions::StateMachine') },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(production, 'AWS::SQS::Queue'), 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 5 },
      },
    });
    expect(START_RETRY.maxEventAge.toSeconds()).toBe(3600);
    expect(JSON.parse(schedule.Target.Input)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>', attempt: '<aws.scheduler.attempt-number>' });
  });

  it('lets Scheduler start this state machine and write to its dead-letter queue, nothing else', () => {
    const roleId = only(production, 'AWS::Scheduler::Schedule').Properties.Target.RoleArn['Fn::GetAtt'][0];
    const role = resources(production)[roleId]!.Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '333333333333', 'aws:SourceArn': 'arn:aws:scheduler:eu-west-2:333333333333:schedule-group/default' } },
      }),
    ]);
    const policy = Object.values(resources(production)).find((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles[0].Ref === roleId)!;
    expect(policy.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        { Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: logicalId(production, 'AWS::StepFunctions::StateMachine') } },
        { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: { 'Fn::GetAtt': [logicalId(production, 'AWS::SQS::Queue'), 'Arn'] } },
        { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: keyRef(production) },
      ]),
    );
    expect(policy.Properties.PolicyDocument.Statement).toHaveLength(3);
  });

  it('keeps the dead-letter queue encrypted with the environment key, and reachable over TLS only', () => {
    expect(only(production, 'AWS::SQS::Queue').Properties.KmsMasterKeyId).toEqual(keyRef(production));
    production.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
  });

  it('encrypts both log groups with the environment key; the protected environment keeps them, under names a later life does not reuse', () => {
    const groups = Object.values(resources(production)).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    expect(groups.map((g) => g.Properties.LogGroupName).sort()).toEqual([
      '/aws/vendedlogs/states/cityplan/test/production/nightly',
      '/cityplan/test/production/nightly',
    ]);
    for (const g of groups) {
      expect(g.Properties.KmsKeyId).toEqual(keyRef(production));
      expect(g.DeletionPolicy).toBe('Retain');
    }
    // A job removed from a protected environment and added again takes new names (its next life).
    expect(resourceName.jobRunLogGroup('test', 'production', 'nightly', 2)).toBe('/aws/vendedlogs/states/cityplan/test/production/nightly/2');
  });

  it('opens no port: the task security group has no inbound rule', () => {
    for (const t of [production, sandbox]) {
      expect(only(t, 'AWS::EC2::SecurityGroup').Properties.SecurityGroupIngress).toBeUndefined();
      expect(Object.values(resources(t)).filter((r) => r.Type === 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
    }
  });

  it('logs every run, with its data, to its own log group; the execution stops 15 minutes after the timeout at the latest', () => {
    const props = only(production, 'AWS::StepFunctions::StateMachine').Properties;
    expect(props).toMatchObject({
      StateMachineName: 'test-production-nightly',
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
    expect(props.LoggingConfiguration.Destinations[0].CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0]).toMatch(/^RunnerLogs/);
    expect(machine(production).TimeoutSeconds).toBe((45 + 15) * 60);
    expect(machine(staging).TimeoutSeconds).toBe((60 + 15) * 60);
  });

  it("runs the task on Fargate in the private subnets with the task's own security group, on the environment's capacity", () => {
    const run = (t: Template) => Object.values(machine(t).States).find((s) => String(s.Resource).endsWith(':states:::ecs:runTask.sync'))!;
    const params = run(production).Parameters as Record<string, any>;
    expect(params.TaskDefinition).toBe('test-production-nightly');
    expect(params.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
    expect(params.LaunchType).toBeUndefined();
    const network = params.NetworkConfiguration.AwsvpcConfiguration;
    expect(network.Subnets).toEqual(['0', '1', '2'].map((i) => expect.stringMatching(new RegExp(`privatesubnet${i}`))));
    expect(network.SecurityGroups).toEqual([`<${logicalId(production, 'AWS::EC2::SecurityGroup')}.GroupId>`]);
    // AssignPublicIp defaults to DISABLED (ECS API, AwsVpcConfiguration).
    expect(network.AssignPublicIp).not.toBe('ENABLED');
    expect(run(production).TimeoutSeconds).toBe(45 * 60);
    expect(run(staging).TimeoutSeconds).toBe(60 * 60);
    expect((run(sandbox).Parameters as Record<string, any>).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    // Only a RunTask that started nothing is tried again: a job need not be safe to run twice.
    expect(run(production).Retry).toEqual([expect.objectContaining({ ErrorEquals: ['AmazonECS.Unknown'] })]);
  });

  describe('state machine, run against the answers AWS documents', () => {
    const definition = machine(production);
    const self = 'arn:aws:states:eu-west-2:333333333333:execution:test-production-nightly:this';
    const context: Context = { Execution: { Id: self }, StateMachine: { Id: 'arn:aws:states:eu-west-2:333333333333:stateMachine:test-production-nightly' } };
    const execution = (name: string) => ({ ExecutionArn: `arn:aws:states:eu-west-2:333333333333:execution:test-production-nightly:${name}` });
    /** ListExecutions lists the most recent first; the task ends with `task` or raises `error`. */
    const world =
      (running: object[], task: { exitCode?: number; error?: string }, leftovers: string[] = []) =>
      (call: Call): unknown => {
        if (call.resource.endsWith(':aws-sdk:sfn:listExecutions')) return { Executions: running };
        if (call.resource.endsWith(':ecs:runTask.sync')) {
          if (task.error) throw new TaskError(task.error, 'from the test');
          return { TaskArn: 'arn:aws:ecs:eu-west-2:333333333333:task/test-production/abc', StoppedReason: 'Essential container in task exited', Containers: [task.exitCode === undefined ? { Name: 'app' } : { Name: 'app', ExitCode: task.exitCode }] };
        }
        if (call.resource.endsWith(':aws-sdk:ecs:listTasks')) return { TaskArns: leftovers };
        if (call.resource.endsWith(':aws-sdk:ecs:stopTask')) return {};
        throw new Error(`unexpected call ${call.resource}`);
      };
    const input = { scheduledTime: '2030-01-01T01:30:00Z', attempt: '1' };

    it('asks Step Functions for its own running executions, by its own ARN from the context object', () => {
      const outcome = execute(definition, input, context, world([], { exitCode: 0 }));
      expect(outcome.calls[0]).toMatchObject({ parameters: { StateMachineArn: context.StateMachine.Id, StatusFilter: 'RUNNING' } });
    });

    it('runs when no other run is going, and succeeds on exit code 0', () => {
      for (const running of [[], [{ ...execution('this'), ExecutionArn: self }], [execution('newer'), { ExecutionArn: self }]]) {
        const outcome = execute(definition, input, context, world(running, { exitCode: 0 }));
        expect(outcome, JSON.stringify(running)).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'succeeded' } });
        expect(outcome.calls.some((c) => c.resource.endsWith(':ecs:runTask.sync'))).toBe(true);
      }
    });

    it('skips, without starting a task, while an older run is still going', () => {
      const outcome = execute(definition, input, context, world([{ ExecutionArn: self }, execution('older')], { exitCode: 0 }));
      expect(outcome).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'skipped', running: execution('older').ExecutionArn } });
      expect(outcome.calls.map((c) => c.resource)).toEqual([expect.stringMatching(/listExecutions$/)]);
    });

    it('fails when the container exits non-zero, or stops without an exit code', () => {
      expect(execute(definition, input, context, world([], { exitCode: 3 }))).toMatchObject({
        status: 'FAILED',
        error: 'JobFailed',
        cause: expect.stringMatching(/^The container exited with code 3; its output is in the log group /),
      });
      expect(execute(definition, input, context, world([], {}))).toMatchObject({ status: 'FAILED', error: 'JobFailed', cause: expect.stringContaining('without an exit code') });
    });

    it('stops what is left of the job when the run times out, then fails as timed out', () => {
      const left = ['arn:aws:ecs:eu-west-2:333333333333:task/test-production/abc'];
      const outcome = execute(definition, input, context, world([], { error: 'States.Timeout' }, left));
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'JobTimedOut', cause: 'The run took longer than its timeout of 45 minutes and was stopped' });
      const [list, stop] = outcome.calls.slice(-2);
      expect(list).toMatchObject({ resource: expect.stringMatching(/:aws-sdk:ecs:listTasks$/), parameters: { Family: 'test-production-nightly', Cluster: expect.stringContaining(':cluster/') } });
      expect(stop).toMatchObject({ resource: expect.stringMatching(/:aws-sdk:ecs:stopTask$/), parameters: { Task: left[0], Cluster: list!.parameters.Cluster } });
    });

    it('fails, whichever way AWS reports a non-zero exit code: as a stopped task or as a failed state', () => {
      expect(execute(definition, input, context, world([], { error: 'States.TaskFailed' }))).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed' });
    });

    it('stops what is left and fails with the error itself when the task could not run', () => {
      const outcome = execute(definition, input, context, world([], { error: 'AmazonECS.Unknown' }, []));
      expect(outcome).toMatchObject({ status: 'FAILED', error: 'AmazonECS.Unknown', cause: 'from the test' });
      expect(outcome.calls.at(-1)!.resource).toMatch(/:aws-sdk:ecs:listTasks$/);
    });
  });

  it('alarms when a run fails, times out or is aborted, and when Scheduler could not start one', () => {
    const machineId = logicalId(production, 'AWS::StepFunctions::StateMachine');
    const topic = { Ref: Object.keys(production.toJSON().Parameters).find((p) => p.includes('alertstopicarn'))! };
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-production-nightly-run-failed',
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      AlarmActions: [topic],
      OKActions: [topic],
      Metrics: Match.arrayWith(
        ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((metricName) =>
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: { Namespace: 'AWS/States', MetricName: metricName, Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId } }] },
            }),
          }),
        ),
      ),
    });
    production.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-production-nightly-run-not-started',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(production, 'AWS::SQS::Queue'), 'QueueName'] } }],
      AlarmActions: [topic],
    });
  });

  describe("state machine's role", () => {
    const role = Object.entries(resources(production)).find(([id, r]) => r.Type === 'AWS::IAM::Role' && id.startsWith('RunnerRole'))![1];
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement) as Array<Record<string, any>>;
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    const list = <T>(x: T | T[]) => (Array.isArray(x) ? x : [x]);
    const cluster = 'arn:aws:ecs:eu-west-2:333333333333:cluster/test-production';

    it('is the only policy it has: states add nothing to it', () => {
      const roleId = Object.keys(resources(production)).find((id) => id.startsWith('RunnerRole'));
      expect(Object.values(resources(production)).filter((r) => r.Type === 'AWS::IAM::Policy' && r.Properties.Roles.some((x: any) => x.Ref === roleId))).toEqual([]);
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'states.amazonaws.com' } })]);
    });

    it('runs only the job’s own task definition family, in the environment’s cluster', () => {
      expect(bySid.RunTheTask).toEqual({
        Sid: 'RunTheTask',
        Effect: 'Allow',
        Action: 'ecs:RunTask',
        Resource: 'arn:aws:ecs:eu-west-2:333333333333:task-definition/test-production-nightly:*',
        Condition: { ArnEquals: { 'ecs:cluster': cluster } },
      });
      expect(statements.filter((s) => list(s.Action).some((a: string) => a === 'ecs:RunTask' || a === '*' || a === 'ecs:*'))).toEqual([bySid.RunTheTask]);
    });

    it('passes exactly the task’s two roles, to ECS tasks only', () => {
      expect(statements.filter((s) => list(s.Action).includes('iam:PassRole'))).toEqual([bySid.PassTheTaskRoles]);
      expect(bySid.PassTheTaskRoles.Resource).toEqual(
        expect.arrayContaining(['TaskTaskRole', 'TaskExecutionRole'].map((r) => ({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${r}`)), 'Arn'] }))),
      );
      expect(bySid.PassTheTaskRoles.Resource).toHaveLength(2);
      expect(bySid.PassTheTaskRoles.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } });
    });

    it('reads, stops and tags only the cluster’s tasks, and lists its own executions only', () => {
      expect(bySid.WatchAndStopTasks).toMatchObject({ Action: ['ecs:DescribeTasks', 'ecs:StopTask'], Resource: 'arn:aws:ecs:eu-west-2:333333333333:task/test-production/*' });
      expect(bySid.TagTheTask).toMatchObject({ Resource: bySid.WatchAndStopTasks.Resource, Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } });
      expect(bySid.SeeOwnRuns).toMatchObject({ Action: 'states:ListExecutions', Resource: 'arn:aws:states:eu-west-2:333333333333:stateMachine:test-production-nightly' });
      expect(bySid.LearnWhenTasksStop.Resource).toBe('arn:aws:events:eu-west-2:333333333333:rule/StepFunctionsGetEventsForECSTaskRule');
    });

    it('takes a wildcard resource only where the action names none: ListTasks (in the cluster) and log delivery', () => {
      const anywhere = statements.filter((s) => list(s.Resource).includes('*'));
      expect(anywhere.flatMap((s) => list(s.Action)).sort()).toEqual([
        'ecs:ListTasks',
        'logs:CreateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:DescribeLogGroups',
        'logs:DescribeResourcePolicies',
        'logs:GetLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:UpdateLogDelivery',
      ]);
      expect(bySid.FindLeftoverTasks.Condition).toEqual({ ArnEquals: { 'ecs:cluster': cluster } });
      expect(statements.every((s) => list(s.Action).every((a: string) => !a.endsWith('*')))).toBe(true);
    });
  });

  it('claims its state machine, schedule, alarms, log groups and secret; the protected environment retains its log groups and secret', () => {
    const template = estate.app.synth().getStackByName('test-production-nightly').template;
    const { claims, retains } = templateClaims(template, 'test-production-nightly', environmentRoot('test', 'production'));
    expect(claims).toEqual(
      expect.arrayContaining([
        'AWS::StepFunctions::StateMachine test-production-nightly',
        'AWS::Scheduler::Schedule default/test-production-nightly',
        'AWS::CloudWatch::Alarm test-production-nightly-run-failed',
        'AWS::CloudWatch::Alarm test-production-nightly-run-not-started',
        'AWS::Logs::LogGroup /aws/vendedlogs/states/cityplan/test/production/nightly',
      ]),
    );
    expect(retains.sort()).toEqual([
      'AWS::Logs::LogGroup /aws/vendedlogs/states/cityplan/test/production/nightly',
      'AWS::Logs::LogGroup /cityplan/test/production/nightly',
      'AWS::SecretsManager::Secret test/production/nightly/BANK_API_KEY',
    ]);
  });

  it('refuses count and scale on a job: it runs one task per run', () => {
    const problems = (() => {
      try {
        loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'services/nightly.yaml': `${JOB}count:\n  min: 1\n  max: 2\nscale:\n  cpu: 50\n` }));
        return [];
      } catch (e) {
        if (!(e instanceof EstateError)) throw e;
        return e.problems;
      }
    })();
    expect(problems.map((p) => [p.field, p.message])).toEqual([
      ['count', 'only applies to web, backend and worker services; this is a job service'],
      ['scale.cpu', 'only applies to web, backend and worker services; this is a job service'],
    ]);
  });
});
