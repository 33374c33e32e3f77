import { Duration, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { containerHealthCheck } from './container-health';
import { allowCalls, publishSecurityGroup, serviceConnect } from './service-calls';
import { fargateServiceDefaults, type ServiceStackProps, serviceTags, serviceTask, taskRange } from './service-task';
import { TaskScaling } from './task-scaling';

/**
 * A backend: Fargate tasks with no load balancer and no public route, answering the services that
 * call it at `http://<service>:<port>` through ECS Service Connect in the environment's namespace.
 *
 * Its security group has no inbound rule of its own: each caller's stack adds one, from the
 * caller's tasks, on this service's port (see service-calls.ts); the group's id is published for
 * them. With no load balancer to check it, a container health check on its `health` path tells ECS
 * when to replace a task (see container-health.ts). Spread over the environment's zones, scaled on
 * CPU, rolled back when a deployment fails.
 */
export class BackendServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, tags: serviceTags(props) });
    const { environment: env, service } = props;
    if (service.kind !== 'backend') throw new Error(`BackendServiceStack needs a backend service; ${service.name} is a ${service.kind}`);
    const parts = serviceTask(this, props, { port: service.port, healthCheck: containerHealthCheck(service) });
    const fargate = new ecs.FargateService(this, 'Service', {
      ...fargateServiceDefaults(env, parts, service),
      // Callers reach any healthy task: keep every task serving while new ones start.
      minHealthyPercent: 100,
      healthCheckGracePeriod: Duration.seconds(service.healthGrace),
      serviceConnectConfiguration: serviceConnect(this, props, parts, { serve: true }),
    });
    publishSecurityGroup(this, props, parts);
    allowCalls(this, props, parts);
    new TaskScaling(this, 'Scaling', {
      service: fargate,
      ...taskRange(env, service),
    });
  }
}
