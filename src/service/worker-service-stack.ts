import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { allowCalls, serviceConnect } from './service-calls';
import { fargateServiceDefaults, type ServiceStackProps, serviceTags, serviceTask } from './service-task';
import { TaskScaling } from './task-scaling';

/**
 * A worker: Fargate tasks with no ingress at all (its security group has no inbound rule), spread
 * over the environment's zones and scaled on CPU, rolled back when a deployment fails. It may call
 * backend and web services (`calls`) through Service Connect.
 */
export class WorkerServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, tags: serviceTags(props) });
    const { environment: env, service } = props;
    if (service.kind !== 'worker') throw new Error(`WorkerServiceStack needs a worker service; ${service.name} is a ${service.kind}`);
    const parts = serviceTask(this, props);
    const fargate = new ecs.FargateService(this, 'Service', {
      ...fargateServiceDefaults(env, parts, service),
      // A worker has no load balancer to drain: half its tasks may restart at once on a deploy.
      minHealthyPercent: 50,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      // A client of the service network only when it calls other services.
      serviceConnectConfiguration: serviceConnect(this, props, parts, { serve: false }),
    });
    allowCalls(this, props, parts);
    new TaskScaling(this, 'Scaling', {
      service: fargate,
      min: Math.max(service.count.min, env.protect ? 2 : 1),
      max: service.count.max,
      cpu: service.scale.cpu,
    });
  }
}
