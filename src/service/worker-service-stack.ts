import { Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type { Construct } from 'constructs';
import { parameter, variable } from '../naming/names';
import { published } from '../platform/imports';
import { allowCalls, serviceConnect } from './service-calls';
import { fargateServiceDefaults, type ServiceStackProps, serviceTags, serviceTask, taskRange } from './service-task';
import { BACKLOG_PER_TASK, TaskScaling } from './task-scaling';
import { WorkerQueue } from './worker-queue';

/**
 * A worker: Fargate tasks with no ingress at all (its security group has no inbound rule), spread
 * over the environment's zones, rolled back when a deployment fails.
 *
 * With a `queue` (or `subscribe`, which implies one) it consumes its own SQS queue (WorkerQueue:
 * encrypted, TLS only, a dead-letter queue with an alarm, subscriptions to other services'
 * topics), whose URL it reads from QUEUE_URL, and scales on the queue's backlog per task as well
 * as on CPU. Without one it scales on CPU only.
 *
 * It may call backend and web services (`calls`) through Service Connect.
 */
export class WorkerServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, tags: serviceTags(props) });
    const { estate, environment: env, service } = props;
    if (service.kind !== 'worker') throw new Error(`WorkerServiceStack needs a worker service; ${service.name} is a ${service.kind}`);
    const parts = serviceTask(this, props);
    const queue = service.queue
      ? new WorkerQueue(this, 'Queue', {
          estate,
          environment: env.name,
          service: service.name,
          queue: service.queue,
          subscribe: service.subscribe,
          ownTopics: parts.topics,
          key: parts.key,
          consumer: parts.task.taskRole,
          alertsTopicArn: published(this, parameter.alertsTopicArn(estate, env.name)),
        })
      : undefined;
    if (queue) parts.container.addEnvironment(variable.queueUrl, queue.queue.queueUrl);

    const fargate = new ecs.FargateService(this, 'Service', {
      ...fargateServiceDefaults(env, parts, service),
      // A worker has no load balancer to drain: half its tasks may restart at once on a deploy.
      minHealthyPercent: 50,
      // A client of the service network only when it calls other services.
      serviceConnectConfiguration: serviceConnect(this, props, parts, { serve: false }),
    });
    allowCalls(this, props, parts);
    new TaskScaling(this, 'Scaling', {
      service: fargate,
      ...taskRange(env, service),
      ...(queue ? { backlog: { queueName: queue.queue.queueName, perTask: BACKLOG_PER_TASK } } : {}),
    });
  }
}
