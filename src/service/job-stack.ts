import { Stack } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { parameter, resourceName } from '../naming/names';
import { published } from '../platform/imports';
import { JobAlarms } from './job-alarms';
import { JobRunner } from './job-runner';
import { JobSchedule } from './job-schedule';
import { type ServiceStackProps, serviceTags, serviceTask } from './service-task';

/**
 * A scheduled job: no ECS service and no task running between runs. At each time of its
 * `schedule` (UTC), EventBridge Scheduler starts the job's Step Functions state machine, which runs
 * one Fargate task of the job (private subnets, no public IP, no ingress, the environment's
 * capacity) unless the previous run is still going, stops it after `timeout` minutes, and fails
 * when its container exits non-zero. Failed, timed-out and aborted runs, and runs Scheduler could
 * not start, raise alarms on the environment's alerts topic.
 *
 * No Lambda and no custom resource: Step Functions calls ECS and itself through its service
 * integrations.
 */
export class JobStack extends Stack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, tags: serviceTags(props) });
    const { estate, environment: env, service } = props;
    if (service.kind !== 'job' || !service.schedule) {
      throw new Error(`JobStack needs a job service with a schedule; ${service.name} is a ${service.kind}`);
    }
    const parts = serviceTask(this, props);
    const runner = new JobRunner(this, 'Runner', {
      stateMachineName: resourceName.jobStateMachine(estate, env.name, service.name),
      logGroupName: resourceName.jobRunLogGroup(estate, env.name, service.name, props.incarnation),
      estate,
      environment: env,
      parts,
      timeout: service.timeout,
    });
    const schedule = new JobSchedule(this, 'Schedule', {
      scheduleName: resourceName.jobSchedule(estate, env.name, service.name),
      expression: service.schedule,
      stateMachine: runner.stateMachine,
      key: parts.key,
      description: `cityplan ${estate}/${env.name}: runs the job ${service.name} at ${service.schedule} (UTC)`,
    });
    new JobAlarms(this, 'Alarms', {
      estate,
      environment: env.name,
      service: service.name,
      stateMachine: runner.stateMachine,
      deadLetters: schedule.deadLetters,
      timeout: service.timeout,
      topicArn: published(this, parameter.alertsTopicArn(estate, env.name)),
    });
  }
}
