import { ArnFormat, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import type { EnvironmentSpec } from '../manifest/spec';
import { resourceName } from '../naming/names';
import { acknowledge, wildcardResourceFinding } from '../policy/acknowledge';
import { logRetention } from '../platform/retention';
import type { ServiceTask } from './service-task';

/** What a state would add to the role: nothing, since runnerRole below grants every call by name. */
const GRANTED_BY_ROLE: string[] = [];

export interface JobRunnerProps {
  /** The state machine's name (resourceName.jobStateMachine): its role names it to list its own runs. */
  readonly stateMachineName: string;
  /** Where the state machine logs every run (resourceName.jobRunLogGroup). */
  readonly logGroupName: string;
  readonly environment: EnvironmentSpec;
  /** The job's task, from serviceTask. */
  readonly parts: ServiceTask;
  /** Minutes a run may take before it is stopped (the manifest's `timeout`, 1–1440). */
  readonly timeout: number;
  readonly estate: string;
}

/**
 * Runs a job's task once per execution, which EventBridge Scheduler starts on the job's schedule:
 *
 * 1. It lists the state machine's own RUNNING executions (ListExecutions lists the most recent
 *    first, and is eventually consistent). The oldest one runs; any other ends at once with the
 *    output `{ "outcome": "skipped" }`, so runs never overlap. An execution that cannot see itself
 *    listed yet runs only when it sees no other.
 * 2. It runs the task with the optimized `ecs:runTask.sync` integration (Fargate, private subnets,
 *    the task's own security group, the environment's capacity) and waits for it to stop, for at
 *    most `timeout` minutes. A RunTask answered with `Failures` (no capacity) fails the state with
 *    `AmazonECS.Unknown` (Step Functions Developer Guide, "Run Amazon ECS or Fargate tasks"),
 *    retried twice; nothing else is retried, since a job need not be safe to run twice.
 * 3. `.sync` returns the stopped task (`Containers[].ExitCode`, `StopCode`, `StoppedReason`, as
 *    recorded from AWS in LocalStack's validated snapshots). The Step Functions documentation does
 *    not say that it fails on a non-zero exit code, so a Choice reads `Containers[0].ExitCode` (the
 *    job's task has one container) and fails the execution unless it is 0; were the state to fail
 *    instead, the Catch of step 4 fails the execution just the same.
 * 4. When the run state fails or times out, every task of the job's family still running in the
 *    cluster is stopped (ecs:StopTask: SIGTERM, then SIGKILL 30 seconds later), then the execution
 *    fails. Step Functions' own documentation does not say whether a timed-out `.sync` state stops
 *    its task, so cityplan does; with no overlapping runs, a running task of the family is this
 *    run's (or one a person started by hand for the job).
 *
 * The execution itself times out 15 minutes after `timeout` (a backstop), and logs ALL events with
 * their data to an encrypted log group. The role is written here in full, not collected from the
 * states: the generated one allows ecs:StopTask and ecs:DescribeTasks on every task of the account.
 */
export class JobRunner extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: JobRunnerProps) {
    super(scope, id);
    const { parts, environment: env, timeout } = props;
    const family = parts.task.family;
    const clusterArn = parts.cluster.clusterArn;

    const whoIsRunning = new tasks.CallAwsService(this, 'ListRunning', {
      stateName: 'List running executions',
      service: 'sfn',
      action: 'listExecutions',
      iamAction: 'states:ListExecutions',
      // The context object names this state machine: no reference from its definition to itself.
      // The first page (100) is plenty: an execution that finds another running ends at once.
      parameters: { StateMachineArn: sfn.JsonPath.stringAt('$$.StateMachine.Id'), StatusFilter: 'RUNNING' },
      resultSelector: { oldest: sfn.JsonPath.listAt('$.Executions[-1:]') },
      resultPath: '$.overlap',
      iamResources: GRANTED_BY_ROLE,
    });

    const run = new tasks.EcsRunTask(this, 'Run', {
      stateName: 'Run the task',
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      cluster: parts.cluster,
      taskDefinition: parts.task,
      launchTarget: new tasks.EcsFargateLaunchTarget({
        platformVersion: ecs.FargatePlatformVersion.LATEST,
        capacityProviderOptions: tasks.CapacityProviderOptions.custom([
          { capacityProvider: env.capacity === 'spot' ? 'FARGATE_SPOT' : 'FARGATE', weight: 1 },
        ]),
      }),
      subnets: { subnets: parts.vpc.privateSubnets },
      securityGroups: [parts.securityGroup],
      assignPublicIp: false,
      propagatedTagSource: ecs.PropagatedTagSource.TASK_DEFINITION,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(timeout)),
      resultPath: '$.task',
    });
    run.addRetry({ errors: ['AmazonECS.Unknown'], interval: Duration.minutes(1), maxAttempts: 2, backoffRate: 2 });

    const succeeded = new sfn.Pass(this, 'Succeeded', {
      stateName: 'Succeeded',
      parameters: { outcome: 'succeeded', 'task.$': '$.task.TaskArn' },
    });
    const skipped = new sfn.Pass(this, 'Skipped', {
      stateName: 'Skipped, another run is going',
      parameters: { outcome: 'skipped', 'running.$': '$.overlap.oldest[0].ExecutionArn' },
    });
    const exitedNonZero = new sfn.Fail(this, 'ExitedNonZero', {
      stateName: 'Failed, non-zero exit code',
      error: 'JobFailed',
      causePath: sfn.JsonPath.format(
        `The container exited with code {}; its output is in the log group ${parts.logGroup.logGroupName}`,
        sfn.JsonPath.stringAt('$.task.Containers[0].ExitCode'),
      ),
    });
    const neverExited = new sfn.Fail(this, 'NeverExited', {
      stateName: 'Failed, no exit code',
      error: 'JobFailed',
      cause: "The task stopped without an exit code (its container may never have started); see StoppedReason in this execution's history",
    });
    const timedOut = new sfn.Fail(this, 'TimedOut', {
      stateName: 'Failed, timed out',
      error: 'JobTimedOut',
      cause: `The run took longer than its timeout of ${timeout} minutes and was stopped`,
    });
    const couldNotRun = new sfn.Fail(this, 'CouldNotRun', {
      stateName: 'Failed, could not run',
      errorPath: '$.error.Error',
      causePath: '$.error.Cause',
    });

    const listLeftovers = new tasks.CallAwsService(this, 'ListLeftovers', {
      stateName: 'List tasks still running',
      service: 'ecs',
      action: 'listTasks',
      // ListTasks lists tasks whose desired status is RUNNING unless told otherwise.
      parameters: { Cluster: clusterArn, Family: family },
      resultPath: '$.leftovers',
      iamResources: GRANTED_BY_ROLE,
    });
    const stopLeftovers = new sfn.Map(this, 'StopLeftovers', {
      stateName: 'Stop them',
      itemsPath: '$.leftovers.TaskArns',
      resultPath: sfn.JsonPath.DISCARD,
    });
    stopLeftovers.itemProcessor(
      new tasks.CallAwsService(this, 'StopTask', {
        stateName: 'Stop a task',
        service: 'ecs',
        action: 'stopTask',
        parameters: {
          Cluster: clusterArn,
          Task: sfn.JsonPath.stringAt('$'),
          Reason: `cityplan: the run failed or took longer than its timeout of ${timeout} minutes`,
        },
        iamResources: GRANTED_BY_ROLE,
      }),
    );
    run.addCatch(listLeftovers, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    listLeftovers.next(stopLeftovers).next(
      new sfn.Choice(this, 'WhyStopped', { stateName: 'Timed out?' })
        .when(sfn.Condition.stringEquals('$.error.Error', sfn.Errors.TIMEOUT), timedOut)
        .otherwise(couldNotRun),
    );

    const exitCode = '$.task.Containers[0].ExitCode';
    const definition = whoIsRunning.next(
      new sfn.Choice(this, 'Overlap', { stateName: 'Another run going?' })
        // Separate rules, not an Or: a comparison on a path that is not there fails the state.
        .when(sfn.Condition.isNotPresent('$.overlap.oldest[0].ExecutionArn'), run)
        .when(sfn.Condition.stringEqualsJsonPath('$.overlap.oldest[0].ExecutionArn', '$$.Execution.Id'), run)
        .otherwise(skipped)
        .afterwards(),
    );
    run.next(
      new sfn.Choice(this, 'ExitCode', { stateName: 'Exit code 0?' })
        .when(sfn.Condition.isNotPresent(exitCode), neverExited)
        .when(sfn.Condition.numberEquals(exitCode, 0), succeeded)
        .otherwise(exitedNonZero),
    );

    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      encryptionKey: parts.key,
      retention: logRetention(env.protect),
      removalPolicy: env.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const role = runnerRole(this, props);
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: `Runs ${family} on its schedule: never two at once, stopped after ${timeout} minutes, failed on a non-zero exit code`,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.minutes(timeout + 15),
      // The role is complete as written: states add nothing to it.
      role: role.withoutPolicyUpdates(),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    Validations.of(this.stateMachine).acknowledge({
      id: 'AwsSolutions-SF2',
      reason:
        "A job's state machine makes at most a handful of calls per run, each with its input and output in the ALL-level execution log; X-Ray tracing would add xray permissions on every resource and show nothing more.",
    });
  }
}

/**
 * The state machine's role, every permission named (IAM actions and resources as in the Service
 * Authorization Reference for Amazon ECS, Step Functions and CloudWatch Logs):
 *
 * - states:ListExecutions on the state machine itself, whose ARN is built from its fixed name;
 * - ecs:RunTask on the job's task definition family (any revision: a run that starts while a
 *   deploy registers the next revision must not be refused), in the environment's cluster only;
 * - iam:PassRole on the task's two roles, to ECS tasks only; ecs:TagResource on the task it starts;
 * - ecs:DescribeTasks and ecs:StopTask on the cluster's tasks (a task's ARN is known only once it
 *   runs), ecs:ListTasks in the cluster (ListTasks names no resource: the cluster is a condition);
 * - the EventBridge rule `StepFunctionsGetEventsForECSTaskRule`, which Step Functions manages in
 *   the account to learn when a `.sync` task stops ("How Step Functions generates IAM policies":
 *   Amazon ECS);
 * - the CloudWatch Logs delivery actions Step Functions needs to log to a log group, which take no
 *   resource ("Logging using CloudWatch Logs", Step Functions Developer Guide).
 *
 * The cluster is named here as the foundation names it (resourceName.cluster), not read from its
 * SSM parameter, so that each wildcard is acknowledged as exactly the text it is.
 */
function runnerRole(scope: Construct, props: JobRunnerProps & { readonly estate: string }): iam.Role {
  const { parts, environment: env } = props;
  const stack = Stack.of(scope);
  const family = parts.task.family;
  const cluster = resourceName.cluster(props.estate, env.name);
  const arn = (service: string, resource: string, resourceName: string, arnFormat = ArnFormat.SLASH_RESOURCE_NAME) =>
    stack.formatArn({ service, resource, resourceName, arnFormat });
  const inCluster = { ArnEquals: { 'ecs:cluster': arn('ecs', 'cluster', cluster) } };
  const revisions = arn('ecs', 'task-definition', `${family}:*`);
  const clusterTasks = arn('ecs', 'task', `${cluster}/*`);
  const statements = [
    new iam.PolicyStatement({
      sid: 'SeeOwnRuns',
      actions: ['states:ListExecutions'],
      resources: [arn('states', 'stateMachine', props.stateMachineName, ArnFormat.COLON_RESOURCE_NAME)],
    }),
    new iam.PolicyStatement({ sid: 'RunTheTask', actions: ['ecs:RunTask'], resources: [revisions], conditions: inCluster }),
    new iam.PolicyStatement({
      sid: 'PassTheTaskRoles',
      actions: ['iam:PassRole'],
      resources: [parts.task.taskRole.roleArn, parts.task.obtainExecutionRole().roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
    new iam.PolicyStatement({ sid: 'WatchAndStopTasks', actions: ['ecs:DescribeTasks', 'ecs:StopTask'], resources: [clusterTasks] }),
    // RunTask with tags (propagated from the task definition) is also authorized as ecs:TagResource
    // ("Grant permission to tag resources on creation", Amazon ECS Developer Guide).
    new iam.PolicyStatement({
      sid: 'TagTheTask',
      actions: ['ecs:TagResource'],
      resources: [clusterTasks],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }),
    new iam.PolicyStatement({ sid: 'FindLeftoverTasks', actions: ['ecs:ListTasks'], resources: ['*'], conditions: inCluster }),
    new iam.PolicyStatement({
      sid: 'LearnWhenTasksStop',
      actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
      resources: [arn('events', 'rule', 'StepFunctionsGetEventsForECSTaskRule')],
    }),
    new iam.PolicyStatement({
      sid: 'DeliverLogs',
      actions: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      resources: ['*'],
    }),
  ];
  const role = new iam.Role(scope, 'Role', {
    assumedBy: new iam.ServicePrincipal('states.amazonaws.com'),
    description: `cityplan: runs ${family} on its schedule`,
    inlinePolicies: { run: new iam.PolicyDocument({ statements }) },
  });
  acknowledge(role, {
    'NIST.800.53.R5-IAMNoInlinePolicy':
      "The policy is written for this job's state machine alone (its own task family, cluster and log delivery); it lives and dies with the role and is never shared.",
    [wildcardResourceFinding(role, revisions)]:
      "ecs:RunTask on every revision of the job's own task definition family, in its own cluster only: a run that starts while a deploy registers the next revision must not be refused.",
    [wildcardResourceFinding(role, clusterTasks)]:
      "ecs:DescribeTasks, ecs:StopTask and ecs:TagResource (when RunTask creates a task) on the tasks of the environment's cluster: a task's id is known only once the run has started it.",
    'AwsSolutions-IAM5[Resource::*]':
      "ecs:ListTasks names no resource (the cluster is a condition, set to the environment's), and the CloudWatch Logs delivery actions Step Functions needs to log a state machine take none either.",
  });
  return role;
}
