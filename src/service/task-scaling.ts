import { Stack } from 'aws-cdk-lib';
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
}

function requestsPerTarget(loadBalancer: string, targetGroup: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/ApplicationELB',
    metricName: 'RequestCountPerTarget',
    statistic: 'Sum',
    dimensionsMap: { LoadBalancer: loadBalancer, TargetGroup: targetGroup },
  });
}

/** Target-tracking scaling of an ECS service's task count. */
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
  }
}
