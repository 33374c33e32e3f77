/**
 * The EventBridge rules that feed the responder: one per kind of event, each as narrow as its
 * event's fields allow (this environment's cluster, the estate's alarm names, the resource types
 * a runbook remediates), so that the function is not invoked for what it would ignore. Every
 * target retries for an hour and sends what it cannot deliver to the dead-letter queue.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** AWS Health `service` codes of what cityplan builds on (the scheduled-change runbook's list). */
export const HEALTH_SERVICES = ['ECS', 'FARGATE', 'EC2', 'ELASTICLOADBALANCING', 'RDS', 'ELASTICACHE', 'ACM', 'VPC', 'NATGATEWAY', 'ROUTE53', 'LAMBDA'];

export interface ResponderRulesProps {
  readonly estate: string;
  readonly environment: string;
  readonly cluster: string;
  readonly function: lambda.IFunction;
  readonly deadLetters: sqs.IQueue;
}

/** The rules, by construct id: what each sends the responder. */
export function responderRules(scope: Construct, props: ResponderRulesProps): events.Rule[] {
  const { partition, region, account } = Stack.of(scope);
  const clusterArn = `arn:${partition}:ecs:${region}:${account}:cluster/${props.cluster}`;
  const patterns: Record<string, events.EventPattern> = {
    // Stopped tasks: crash loops (non-zero exits, failed health checks, failed starts) and out-of-memory.
    TaskStopped: { source: ['aws.ecs'], detailType: ['ECS Task State Change'], detail: { clusterArn: [clusterArn], lastStatus: ['STOPPED'] } },
    // Every deployment event, not only failures: the responder's audit lines are the estate's record
    // of deployments (the log pipeline's deployments-over-time query counts them).
    Deployment: {
      source: ['aws.ecs'],
      detailType: ['ECS Deployment State Change'],
      resources: [{ prefix: `arn:${partition}:ecs:${region}:${account}:service/${props.cluster}/` }] as unknown as string[],
      detail: { eventName: ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'] },
    },
    ServiceAction: {
      source: ['aws.ecs'],
      detailType: ['ECS Service Action'],
      detail: { clusterArn: [clusterArn], eventName: ['SERVICE_TASK_START_IMPAIRED', 'SERVICE_TASK_PLACEMENT_FAILURE'] },
    },
    // The estate's own alarms of this environment (resourceName.alarm), on entering ALARM.
    AlarmState: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: `${props.cluster}-` }], state: { value: ['ALARM'] } },
    },
    ComplianceChange: {
      source: ['aws.config'],
      detailType: ['Config Rules Compliance Change'],
      detail: { messageType: ['ComplianceChangeNotification'], newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
    },
    CertificateExpiry: { source: ['aws.acm'], detailType: ['ACM Certificate Approaching Expiration'] },
    HealthEvent: { source: ['aws.health'], detailType: ['AWS Health Event'], detail: { service: HEALTH_SERVICES } },
    // GuardDuty Runtime Monitoring findings on this environment's ECS cluster.
    Finding: { source: ['aws.guardduty'], detailType: ['GuardDuty Finding'], detail: { resource: { ecsClusterDetails: { name: [props.cluster] } } } },
  };
  return Object.entries(patterns).map(
    ([id, eventPattern]) =>
      new events.Rule(scope, id, {
        description: `cityplan ${props.estate}/${props.environment}: ${id} to the runbook responder`,
        eventPattern,
        targets: [new targets.LambdaFunction(props.function, { deadLetterQueue: props.deadLetters, retryAttempts: 8, maxEventAge: Duration.hours(1) })],
      }),
  );
}
