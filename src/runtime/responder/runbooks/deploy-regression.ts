/**
 * deploy-regression: an error spike (error-rate, 5xx, log errors or fatal lines, a team's own log
 * pattern) within `window` minutes of a deployment rolls the service back to the task definition
 * that ran before and tells the owner; outside the window the owner is told, with the evidence.
 * A failed deployment is only reported: the ECS deployment circuit breaker (on for every cityplan
 * service) has rolled it back already.
 */
import { alarmOf } from '../../../naming/names';
import { clusterName, evidence, deployedMinutesAgo, tuning, type Action, type Runbook } from '../context';

const ERROR_SUBJECTS = /^(error-rate|unhealthy-hosts|log-errors|log-fatal|log-pattern-\d+)$/;

export const deployRegression: Runbook = {
  name: 'deploy-regression',
  answers(o, ctx) {
    if (o.type === 'alarm' && o.state === 'ALARM') {
      const alarm = alarmOf(ctx.estate, ctx.environment, o.alarmName);
      return alarm && ERROR_SUBJECTS.test(alarm.subject) ? { service: alarm.service } : undefined;
    }
    if (o.type === 'deployment' && o.eventName === 'SERVICE_DEPLOYMENT_FAILED') return { service: o.service };
    return undefined;
  },
  async plan(o, ctx, settings, lookups) {
    const service = settings!.service;
    const owner = settings!.owner;
    if (o.type === 'deployment') {
      const conditions = { service, deployment: o.eventName, reason: o.reason };
      return {
        service,
        conditions,
        actions: [{ do: 'notify', owner, subject: `${service}: deployment failed and was rolled back by ECS`, message: evidence(conditions) }],
      };
    }
    if (o.type !== 'alarm') throw new Error('deploy-regression answers alarms and deployments only');
    const t = tuning(settings, 'deploy-regression');
    const facts = await lookups.deployments(service);
    const minutesSince = deployedMinutesAgo(facts, ctx.now);
    const inWindow = minutesSince !== undefined && minutesSince >= 0 && minutesSince <= (t.window as number);
    const conditions = {
      service,
      alarm: o.alarmName,
      reason: o.reason,
      deployedMinutesAgo: minutesSince,
      window: t.window,
      running: facts?.current.taskDefinition,
      previous: facts?.previousTaskDefinition,
    };
    const rollback = inWindow && t.rollback === true && facts?.previousTaskDefinition !== undefined;
    const actions: Action[] = rollback
      ? [
          { do: 'rollback', cluster: clusterName(ctx), service, taskDefinition: facts!.previousTaskDefinition! },
          { do: 'notify', owner, subject: `${service}: rolled back to ${facts!.previousTaskDefinition} after ${o.alarmName}`, message: evidence(conditions) },
        ]
      : [
          {
            do: 'notify',
            owner,
            subject: inWindow ? `${service}: ${o.alarmName} after a deployment (no rollback: ${t.rollback ? 'no previous task definition' : 'rollback switched off'})` : `${service}: ${o.alarmName}`,
            message: evidence(conditions),
          },
        ];
    return { service, conditions, actions };
  },
};
