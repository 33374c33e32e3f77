import { Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
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
  readonly requests?: { readonly perTarget: number; readonly resourceLabel: string };
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
    if (props.requests) {
      target.scaleToTrackMetric('Requests', {
        predefinedMetric: appscaling.PredefinedMetric.ALB_REQUEST_COUNT_PER_TARGET,
        resourceLabel: props.requests.resourceLabel,
        targetValue: props.requests.perTarget,
      });
    }
  }
}
