/**
 * scale-out: a latency alarm raises the service's desired count by `step` tasks, never past its
 * `count.max`; at the maximum the owner is told instead. Target tracking (task-scaling.ts) still
 * owns the count and scales back in when the load falls.
 */
import { alarmOf } from '../../../naming/names';
import { clusterName, evidence, tuning, type Runbook } from '../context';

export const scaleOut: Runbook = {
  name: 'scale-out',
  answers(o, ctx) {
    if (o.type !== 'alarm' || o.state !== 'ALARM') return undefined;
    const alarm = alarmOf(ctx.estate, ctx.environment, o.alarmName);
    return alarm?.subject === 'latency-p99' ? { service: alarm.service } : undefined;
  },
  async plan(o, ctx, settings, lookups) {
    const { service, owner, count } = settings!;
    const step = tuning(settings, 'scale-out').step as number;
    const facts = await lookups.deployments(service);
    const current = facts?.desiredCount;
    const target = current === undefined ? undefined : Math.min(current + step, count.max);
    const conditions = { service, alarm: o.type === 'alarm' ? o.alarmName : undefined, desiredCount: current, max: count.max, step };
    if (current === undefined || target === undefined || target <= current) {
      const why = current === undefined ? 'its desired count is unknown' : `it already runs ${current} of at most ${count.max} tasks`;
      return { service, conditions, actions: [{ do: 'notify', owner, subject: `${service}: slow, not scaled out: ${why}`, message: evidence(conditions) }] };
    }
    return {
      service,
      conditions,
      actions: [
        { do: 'scale', cluster: clusterName(ctx), service, desiredCount: target },
        { do: 'notify', owner, subject: `${service}: scaled out from ${current} to ${target} tasks`, message: evidence(conditions) },
      ],
    };
  },
};
