import { Names, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface TaskScalingProps {
  readonly service: ecs.BaseService;
  readonly min: number;
  readonly max: number;
  /** Target average CPU percent. */
  readonly cpu: number;
  /** Target requests per minute per task, on this ALB resource label (load balancer/target group). */
  readonly requests?: {
    readonly perTarget: number;
    readonly resourceLabel: string;
    /**
     * The two target groups ECS shifts traffic between (canary, linear, blue-green). Traffic sits
     * in either after a deployment, so the policy tracks the sum of both groups' requests per
     * target (metric math: a group without traffic reports nothing, counted as 0) instead of the
     * predefined metric of one group.
     * @default the predefined ALBRequestCountPerTarget of `resourceLabel`
     */
    readonly shiftedBetween?: { readonly loadBalancerFullName: string; readonly targetGroupFullNames: readonly string[] };
  };
  /** Target messages waiting in this SQS queue per running task (see BACKLOG_PER_TASK). */
  readonly backlog?: { readonly queueName: string; readonly perTask: number };
}

function requestsPerTarget(loadBalancer: string, targetGroup: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCountPerTarget',
    statistic: 'Sum',
    dimensionsMap: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
  });
}

/**
 * Messages waiting per running task that a worker's backlog scaling aims at. SQS returns at most
 * 10 messages to one ReceiveMessage call (SQS API reference: MaxNumberOfMessages, 1 to 10): a
 * backlog of 10 per task is one full batch waiting for each task, so more means messages queue
 * behind work already taken and another task helps. A fixed figure, not one derived from the
 * visibility timeout, which bounds how long one message may take, not how long messages wait.
 */
export const BACKLOG_PER_TASK = 10;

/**
 * Target-tracking scaling of an ECS service's task count: on CPU, and on requests per target or
 * on queue backlog per task when given. With several policies Application Auto Scaling scales out
 * when any of them asks and in only when all of them agree.
 */
export class TaskScaling extends Construct {
  constructor(scope: Construct, id: string, props: TaskScalingProps) {
    super(scope, id);
    const target = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.ECS,
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.service.cluster.clusterName}/${props.service.serviceName}`,
      minCapacity: props.min,
      maxCapacity: props.max,
      // ECS's service-linked role, as the ECS constructs use: no role of our own per service.
      role: iam.Role.fromRoleArn(
        this,
        'Role',
        Stack.of(this).formatArn({
          region: '',
          service: 'iam',
          resource: 'role/aws-service-role/ecs.application-autoscaling.amazonaws.com',
          resourceName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
        }),
      ),
    });
    target.scaleToTrackMetric('Cpu', {
      predefinedMetric: appscaling.PredefinedMetric.ECS_SERVICE_AVERAGE_CPU_UTILIZATION,
      targetValue: props.cpu,
    });
    if (props.requests?.shiftedBetween) {
      const { loadBalancerFullName, targetGroupFullNames } = props.requests.shiftedBetween;
      const policy = target.scaleToTrackMetric('Requests', {
        customMetric: requestsPerTarget(loadBalancerFullName, targetGroupFullNames[0]!),
        targetValue: props.requests.perTarget,
      });
      // CDK's target tracking takes one metric; CloudFormation takes metric math (Metrics).
      const cfn = policy.node.defaultChild as appscaling.CfnScalingPolicy;
      const spec = 'TargetTrackingScalingPolicyConfiguration.CustomizedMetricSpecification';
      for (const key of ['Dimensions', 'MetricName', 'Namespace', 'Statistic', 'Unit']) cfn.addPropertyDeletionOverride(`${spec}.${key}`);
      cfn.addPropertyOverride(`${spec}.Metrics`, [
        ...targetGroupFullNames.map((tg, i) => ({
          Id: `m${i + 1}`,
          ReturnData: false,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCountPerTarget',
              Dimensions: [
                { Name: 'LoadBalancer', Value: loadBalancerFullName },
                { Name: 'TargetGroup', Value: tg },
              ],
            },
            Stat: 'Sum',
          },
        })),
        { Id: 'requests', Expression: targetGroupFullNames.map((_, i) => `FILL(m${i + 1}, 0)`).join(' + '), Label: 'requests per target, both groups', ReturnData: true },
      ]);
    } else if (props.requests) {
      target.scaleToTrackMetric('Requests', {
        predefinedMetric: appscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
        resourceLabel: props.requests.resourceLabel,
        targetValue: props.requests.perTarget,
      });
    }
    if (props.backlog) {
      // The backlog per task of the Application Auto Scaling user guide ("Create a target tracking
      // scaling policy using metric math"): messages visible in the queue over tasks running, each
      // over one minute. CDK's target tracking takes no metric math, hence the L1 policy.
      // RunningTaskCount comes from Container Insights, which the foundation's cluster has on.
      new appscaling.CfnScalingPolicy(this, 'Backlog', {
        // Named as CDK names the other policies: from the construct path (stack name + id + hash, under 100 characters).
        policyName: `${Names.uniqueId(this)}Backlog`,
        policyType: 'TargetTrackingScaling',
        scalingTargetId: target.scalableTargetId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: props.backlog.perTask,
          customizedMetricSpecification: {
            metrics: [
              {
                id: 'messages',
                label: 'Messages waiting in the queue',
                metricStat: {
                  metric: { namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', dimensions: [{ name: 'QueueName', value: props.backlog.queueName }] },
                  stat: 'Sum',
                },
                returnData: false,
              },
              {
                id: 'tasks',
                label: 'Tasks running',
                metricStat: {
                  metric: {
                    namespace: 'ECS/ContainerInsights',
                    metricName: 'RunningTaskCount',
                    dimensions: [
                      { name: 'ClusterName', value: props.service.cluster.clusterName },
                      { name: 'ServiceName', value: props.service.serviceName },
                    ],
                  },
                  stat: 'Average',
                },
                returnData: false,
              },
              { id: 'backlog', label: 'Messages waiting per task', expression: 'messages / tasks', returnData: true },
            ],
          },
        },
      });
    }
  }
}
