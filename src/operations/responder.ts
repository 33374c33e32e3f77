/**
 * The environment's runbook responder: one Lambda function (never one per service) that answers
 * the estate's AWS events with the runbooks of src/runtime/responder, its audit table, its
 * dead-letter queue, the EventBridge rules that feed it and the quarantine security group it moves
 * compromised tasks into. Built into the foundation stack (one call).
 *
 * Figures: reserved concurrency 5 (a burst is queued by Lambda's asynchronous invocation, not
 * dropped; the account keeps at least 100 unreserved, so an account whose concurrency quota is
 * still the new-account 10 must raise it first); timeout 60 s (every action is a handful of API
 * calls); 256 MB (the bundle is about 30 KB; the SDK clients are the runtime's).
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { EstateRunbook } from '../manifest/estate-runbooks';
import { ESTATE_RUNBOOKS_MAX_BYTES, estateRunbooksValue } from '../manifest/estate-runbooks-value';
import type { EnvironmentSpec } from '../manifest/spec';
import { parameter, resourceName, responderVariable } from '../naming/names';
import { TASK_SUBNETS } from '../platform/egress';
import { logRetention } from '../platform/retention';
import { wildcardResourceFinding } from '../policy/acknowledge';
import { markForBackup } from '../service/backup-tag';
import { responderCodeDir } from './responder-code';
import { responderRules } from './responder-rules';


/** Days an audit record is kept: a year in a protected environment, 90 days elsewhere. */
export const auditDays = (protect: boolean) => (protect ? 400 : 90);

export interface ResponderProps {
  readonly estate: string;
  readonly environment: EnvironmentSpec;
  /** The environment key: the table, queue, log group and function variables are encrypted with it. */
  readonly key: kms.Key;
  readonly vpc: ec2.IVpc;
  /** The environment's alerts topic: where owners are told. */
  readonly alerts: sns.ITopic;
  /** The environment's hosted zone, where certificate validation records are checked. */
  readonly zoneId: string;
  /** The estate's own runbooks (runbooks/*.yaml); those for this environment are published for the responder. @default none */
  readonly runbooks?: readonly EstateRunbook[];
  /** The assembled bundle's folder. @default dist/runtime/responder of this package (responderCodeDir) */
  readonly codeDir?: string;
}

export class Responder extends Construct {
  readonly function: lambda.Function;
  readonly table: dynamodb.Table;
  readonly deadLetters: sqs.Queue;
  /** Where the responder writes its decisions: the log pipeline subscribes it (observability/). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ResponderProps) {
    super(scope, id);
    const { estate, environment: env, key } = props;
    const stack = Stack.of(this);
    const cluster = resourceName.cluster(estate, env.name);
    const protect = env.protect;

    // Unnamed: CloudFormation names it, so a retained table never blocks a later one.
    this.table = new dynamodb.Table(this, 'Audit', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: 'expires',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: protect,
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    markForBackup(this.table);
    Validations.of(this.table).acknowledge({
      id: 'NIST.800.53.R5-DynamoDBInBackupPlan',
      reason:
        "The table carries cityplan:backup=true, which a protected environment's AWS Backup plan selects by tag (a selection this rule cannot see); everywhere point-in-time recovery keeps 35 days of it.",
    });

    this.deadLetters = new sqs.Queue(this, 'DeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: "This queue is the responder's dead-letter queue; a dead-letter queue of its own would only move the same events once more.",
    });
    // EventBridge sends undeliverable events to the encrypted dead-letter queue (EventBridge User
    // Guide, "Using dead-letter queues": a customer managed key needs this grant in its policy).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );

    // Nothing in, nothing out: where a compromised task's network interface is moved.
    const quarantine = new ec2.SecurityGroup(this, 'Quarantine', {
      vpc: props.vpc,
      description: `cityplan ${estate}/${env.name}: quarantine for compromised tasks (no rules)`,
      allowAllOutbound: false,
    });
    const own = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: props.vpc,
      description: `cityplan ${estate}/${env.name}: runbook responder (calls AWS APIs only)`,
      allowAllOutbound: true,
    });

    const logGroup = (this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: resourceName.responderLogGroup(estate, env.name),
      encryptionKey: key,
      retention: logRetention(protect),
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    }));

    this.function = new lambda.Function(this, 'Function', {
      functionName: resourceName.responderFunction(estate, env.name),
      description: `cityplan ${estate}/${env.name}: runbook responder`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: lambda.Code.fromAsset(props.codeDir ?? responderCodeDir()),
      memorySize: 256,
      timeout: Duration.seconds(60),
      reservedConcurrentExecutions: 5,
      deadLetterQueue: this.deadLetters,
      logGroup,
      environmentEncryption: key,
      vpc: props.vpc,
      // The task subnets whatever the egress mode: with egress `endpoints` they have no route out and
      // the foundation's VPC endpoints serve the clients the responder uses (src/platform/egress-plan.ts).
      vpcSubnets: { subnetGroupName: TASK_SUBNETS },
      securityGroups: [own],
      environment: {
        [responderVariable.estate]: estate,
        [responderVariable.environment]: env.name,
        [responderVariable.dryRun]: String(env.runbooks.dryRun),
        [responderVariable.maxActionsPerHour]: String(env.runbooks.maxActionsPerHour),
        [responderVariable.auditTable]: this.table.tableName,
        [responderVariable.auditDays]: String(auditDays(protect)),
        [responderVariable.topicArn]: props.alerts.topicArn,
        [responderVariable.zoneId]: props.zoneId,
        [responderVariable.quarantineGroupId]: quarantine.securityGroupId,
      },
    });
    this.table.grantReadWriteData(this.function);
    props.alerts.grantPublish(this.function);
    this.grantRunbooks(estate, env.name, cluster, props);
    this.publishEstateRunbooks(estate, env.name, props.runbooks ?? []);

    responderRules(this, { estate, environment: env.name, cluster, function: this.function, deadLetters: this.deadLetters });
    this.alarmOnItself(props.alerts);
    this.acknowledge();
  }

  /**
   * The responder cannot answer for itself: an event it could not take (in the dead-letter queue)
   * or an invocation that failed goes straight to the alerts topic. Unnamed: CloudFormation's names
   * start with the stack's, and no runbook answers them.
   */
  private alarmOnItself(alerts: sns.ITopic): void {
    const notify = new cloudwatchActions.SnsAction(alerts);
    const deadLetters = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmDescription: 'The runbook responder could not take an event: it is in the dead-letter queue',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const errors = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: 'The runbook responder failed (an invocation error, not an action AWS refused: those are audited)',
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [deadLetters, errors]) alarm.addAlarmAction(notify);
  }

  /**
   * The estate's runbooks for this environment, as the JSON the responder reads
   * (parameter.estateRunbooks): a standard parameter up to 4 KB, advanced (8 KB, charged) beyond.
   * @throws Error when they exceed 8 KB, the advanced tier's limit (Systems Manager quotas); the
   *   estate's validation (loadEstateRunbooks) reports that first, so this is a bug if it happens
   */
  private publishEstateRunbooks(estate: string, env: string, all: readonly EstateRunbook[]): void {
    const value = estateRunbooksValue(all, env);
    const bytes = Buffer.byteLength(value);
    if (bytes > ESTATE_RUNBOOKS_MAX_BYTES) throw new Error(`the estate's runbooks for ${env} take ${bytes} bytes as JSON; an SSM parameter holds at most 8 KB: shorten descriptions or merge runbooks`);
    const name = parameter.estateRunbooks(estate, env);
    new ssm.StringParameter(this, 'EstateRunbooks', {
      parameterName: name,
      stringValue: value,
      tier: bytes > 4096 ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
      description: `cityplan ${estate}/${env}: the estate's own runbooks (runbooks/*.yaml)`,
    });
    const { partition, region, account } = Stack.of(this);
    this.function.addToRolePolicy(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [`arn:${partition}:ssm:${region}:${account}:parameter${name}`] }));
  }

  /** What the runbooks read and change, each limited to the environment where IAM allows it. */
  private grantRunbooks(estate: string, env: string, cluster: string, props: ResponderProps): void {
    const { partition, region, account } = Stack.of(this);
    const arn = (service: string, resource: string) => `arn:${partition}:${service}:${region}:${account}:${resource}`;
    const vpcArn = arn('ec2', `vpc/${props.vpc.vpcId}`);
    const statements: Array<{ actions: string[]; resources: string[]; conditions?: Record<string, unknown>; why: string }> = [
      {
        actions: ['ssm:GetParameter'],
        resources: [arn('ssm', `parameter${parameter.responderSettings(estate, env, '*')}`)],
        why: "The settings parameter each of the environment's services publishes (parameter.responderSettings): services come and go without the responder's deploy.",
      },
      {
        actions: ['ecs:DescribeServices', 'ecs:UpdateService'],
        resources: [arn('ecs', `service/${cluster}/*`)],
        why: "The services of this environment's cluster only: rollback, scale-out and forced deployment act on whichever service an event names.",
      },
      {
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [arn('ecs', `task/${cluster}/*`)],
        why: "Tasks of this environment's cluster only: a compromised task is found and stopped by the id GuardDuty gives.",
      },
      {
        actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:ModifyNetworkInterfaceAttribute'],
        resources: [arn('ec2', 'security-group/*'), arn('ec2', 'network-interface/*')],
        conditions: { ArnEquals: { 'ec2:Vpc': vpcArn } },
        why: "Security groups and network interfaces in the environment's VPC only (ec2:Vpc condition): which group breaks a Config rule, and which interface a compromised task has, is known only when it happens.",
      },
      {
        actions: ['ec2:DescribeSecurityGroups'],
        resources: ['*'],
        why: 'ec2:DescribeSecurityGroups has no resource-level permissions (Service Authorization Reference, Amazon EC2); it reads, never changes.',
      },
      {
        actions: ['s3:GetBucketTagging', 's3:PutBucketPublicAccessBlock'],
        resources: [`arn:${partition}:s3:::${estate}-${env}-*`],
        why: "Buckets CloudFormation names after the environment's stacks (<estate>-<env>-…): a bucket found public is made private again.",
      },
      {
        actions: ['acm:DescribeCertificate', 'acm:ListTagsForCertificate'],
        resources: [arn('acm', 'certificate/*')],
        why: "Read-only: which certificate nears expiry is known only from ACM's event, and its tags say whether it is the estate's.",
      },
      { actions: ['route53:ListResourceRecordSets'], resources: [`arn:${partition}:route53:::hostedzone/${props.zoneId}`], why: '' },
      {
        actions: ['ssm:CreateOpsItem'],
        resources: [arn('ssm', 'opsitem/*')],
        why: 'An OpsItem has no id until it is created; creating one is the escalation.',
      },
    ];
    const role = this.function.role!;
    for (const { why, ...s } of statements) {
      this.function.addToRolePolicy(new iam.PolicyStatement(s));
      for (const resource of s.resources.filter((r) => r.includes('*'))) {
        Validations.of(role).acknowledge({ id: wildcardResourceFinding(this, resource), reason: why });
      }
    }
  }

  private acknowledge(): void {
    const role = this.function.role!;
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: "AWS's managed policy for a function's own log writes; the responder's log group is named and encrypted by this stack.",
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      reason: "AWS's managed policy for a function in a VPC: it creates and deletes the function's network interfaces, which have no names to scope to.",
    });
    Validations.of(role).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: "The responder role's policy is generated from this construct alone (its table, queue, topic, key and the runbooks' actions); it lives and dies with the role.",
    });
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: "From aws-cdk-lib's grants on the audit table and the alerts topic: the environment key, used only through DynamoDB and SNS.",
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Node.js 22 is the runtime the bundle is built for (scripts/build.mjs targets node22) and is supported by Lambda until its deprecation date; moving on is this line and the build target together.',
    });
  }
}
