/**
 * crash-loop: tasks of a service that keep stopping (an essential container exits non-zero, fails
 * its health check or cannot start), `stops` times within `within` minutes, or ECS reporting that
 * tasks fail to start: one forced new deployment (fresh tasks, fresh image pull, fresh secrets);
 * when it keeps crashing within the cooldown that follows, escalate (an OpsItem) instead.
 * Out-of-memory stops belong to out-of-memory, stops people or deployments asked for to no one.
 */
import { clusterName, evidence, tuning, type Runbook } from '../context';
import type { Observation } from '../observation';

/** Stop codes of tasks ECS or a person stopped on purpose (ECS API reference, Task.stopCode). */
const INTENDED = new Set(['UserInitiated', 'ServiceSchedulerInitiated', 'SpotInterruption', 'TerminationNotice']);

export const isOutOfMemory = (o: Observation) =>
  o.type === 'task-stopped' && o.containers.some((c) => /OutOfMemory/i.test(c.reason ?? ''));

/** Whether a stopped task crashed: an exit other than 0, a failed health check or a failed start. */
export function crashed(o: Observation): boolean {
  if (o.type !== 'task-stopped' || isOutOfMemory(o)) return false;
  if (o.stopCode === 'TaskFailedToStart') return true;
  if (/health check/i.test(o.stoppedReason ?? '')) return true;
  if (o.stopCode && INTENDED.has(o.stopCode)) return false;
  return o.stopCode === 'EssentialContainerExited' && o.containers.some((c) => c.exitCode !== undefined && c.exitCode !== 0);
}

export const crashLoop: Runbook = {
  name: 'crash-loop',
  answers(o) {
    if (o.type === 'task-stopped' && o.service && crashed(o)) return { service: o.service };
    if (o.type === 'service-action' && o.eventName === 'SERVICE_TASK_START_IMPAIRED') return { service: o.service };
    return undefined;
  },
  async plan(o, ctx, settings, lookups) {
    const { service, owner } = settings!;
    const t = tuning(settings, 'crash-loop');
    const impaired = o.type === 'service-action';
    const stops = impaired ? undefined : await lookups.countStop(service, t.within as number);
    const conditions = {
      service,
      event: impaired ? o.eventName : o.type === 'task-stopped' ? `${o.stopCode}: ${o.stoppedReason}` : undefined,
      exitCodes: o.type === 'task-stopped' ? o.containers.map((c) => `${c.name}=${c.exitCode ?? '-'}`).join(' ') : undefined,
      stopsWithin: stops === undefined ? undefined : `${stops} in ${t.within} min (loop at ${t.stops})`,
    };
    if (stops !== undefined && stops < (t.stops as number)) return { service, conditions, actions: [] };
    const escalation = {
      do: 'escalate' as const,
      title: `${ctx.estate}/${ctx.environment}/${service} keeps crashing after a forced new deployment`,
      description: evidence(conditions),
      dedup: `${ctx.estate}-${ctx.environment}-${service}-crash-loop`,
    };
    return {
      service,
      conditions,
      actions: [
        { do: 'force-deployment', cluster: clusterName(ctx), service },
        { do: 'notify', owner, subject: `${service}: crash loop, forced a new deployment`, message: evidence(conditions) },
      ],
      whileCoolingDown: [escalation, { do: 'notify', owner, subject: `${service}: still crashing after a forced new deployment; escalated`, message: evidence(conditions) }],
    };
  },
};
