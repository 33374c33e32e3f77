/**
 * An estate's own runbook (runbooks/<name>.yaml), as a Runbook: its trigger, its `services`, its
 * `when` conditions and its actions, each mapped to the same actions the built-ins take, within
 * the same guardrails. No code runs from an estate: only this fixed vocabulary.
 */
import type { EstateRunbook } from '../../../manifest/estate-runbooks';
import { alarmOf } from '../../../naming/names';
import { clusterName, evidence, deployedMinutesAgo, type Action, type Runbook } from '../context';
import type { Observation } from '../observation';

/** The service an observation is about, and whether it matches the runbook's trigger. */
function matches(rb: EstateRunbook, o: Observation, estate: string, env: string): { service?: string } | undefined {
  if (rb.trigger.alarm !== undefined) {
    if (o.type !== 'alarm' || o.state !== 'ALARM') return undefined;
    const alarm = alarmOf(estate, env, o.alarmName);
    return alarm?.subject === rb.trigger.alarm ? { service: alarm.service } : undefined;
  }
  switch (rb.trigger.event) {
    case 'task-stopped':
      return o.type === 'task-stopped' && o.service ? { service: o.service } : undefined;
    case 'deployment-failed':
      return o.type === 'deployment' && o.eventName === 'SERVICE_DEPLOYMENT_FAILED' ? { service: o.service } : undefined;
    case 'task-start-impaired':
      return o.type === 'service-action' && o.eventName === 'SERVICE_TASK_START_IMPAIRED' ? { service: o.service } : undefined;
    case 'placement-failure':
      return o.type === 'service-action' && o.eventName === 'SERVICE_TASK_PLACEMENT_FAILURE' ? { service: o.service } : undefined;
    case 'guardduty-finding':
      return o.type === 'finding' && o.taskArn ? { service: o.service } : undefined;
    case 'config-non-compliant':
      return o.type === 'compliance' && o.compliance === 'NON_COMPLIANT' ? {} : undefined;
    case 'certificate-expiry':
      return o.type === 'certificate' ? {} : undefined;
    case 'health-event':
      return o.type === 'health' ? {} : undefined;
    default:
      return undefined;
  }
}

export function estateRunbook(rb: EstateRunbook): Runbook {
  return {
    name: rb.name,
    answers(o, ctx) {
      const m = matches(rb, o, ctx.estate, ctx.environment);
      if (!m) return undefined;
      if (rb.services && (m.service === undefined || !rb.services.includes(m.service))) return undefined;
      return m;
    },
    async holds(o, ctx, settings, lookups) {
      if (rb.when === undefined) return true;
      return (await this.plan(o, ctx, settings, lookups)).conditions.held !== false;
    },
    async plan(o, ctx, settings, lookups) {
      const service = settings?.service;
      const owner = settings?.owner;
      const needsDeployment = rb.when?.deployedWithin !== undefined || rb.actions.some((a) => a === 'rollback' || a === 'scale-out');
      const facts = service && needsDeployment ? await lookups.deployments(service) : undefined;
      const minutesSince = deployedMinutesAgo(facts, ctx.now);
      const severity = o.type === 'finding' ? o.severity : undefined;
      const conditions: Record<string, unknown> = {
        runbook: rb.description ?? rb.name,
        service,
        event: o.type === 'alarm' ? o.alarmName : o.detailType,
        // What ECS says went wrong (a placement failure's RESOURCE:FARGATE, a deployment's reason).
        ...((o.type === 'deployment' || o.type === 'service-action') && o.reason ? { reason: o.reason } : {}),
        ...(rb.when?.deployedWithin !== undefined ? { deployedMinutesAgo: minutesSince, deployedWithin: rb.when.deployedWithin } : {}),
        ...(rb.when?.severityAtLeast !== undefined ? { severity, severityAtLeast: rb.when.severityAtLeast } : {}),
      };
      const held =
        (rb.when?.deployedWithin === undefined || (minutesSince !== undefined && minutesSince >= 0 && minutesSince <= rb.when.deployedWithin)) &&
        (rb.when?.severityAtLeast === undefined || (severity !== undefined && severity >= rb.when.severityAtLeast));
      if (!held) return { service, conditions: { ...conditions, held }, actions: [], cooldown: rb.cooldown };
      const cluster = clusterName(ctx);
      const subject = `${service ?? `${ctx.estate}/${ctx.environment}`}: ${rb.name}${rb.description ? ` (${rb.description})` : ''}`;
      const actions: Action[] = [];
      for (const a of rb.actions) {
        if (a === 'notify') actions.push({ do: 'notify', owner, subject, message: evidence(conditions) });
        else if (a === 'escalate') actions.push({ do: 'escalate', title: `${ctx.estate}/${ctx.environment}: ${subject}`, description: evidence(conditions), dedup: `${ctx.estate}-${ctx.environment}-${service ?? '-'}-${rb.name}` });
        else if (!service) continue;
        else if (a === 'force-deployment') actions.push({ do: 'force-deployment', cluster, service });
        else if (a === 'rollback' && facts?.previousTaskDefinition) actions.push({ do: 'rollback', cluster, service, taskDefinition: facts.previousTaskDefinition });
        else if (a === 'scale-out' && facts && settings && facts.desiredCount < settings.count.max) actions.push({ do: 'scale', cluster, service, desiredCount: facts.desiredCount + 1 });
        else if (a === 'stop-task' && o.type === 'finding' && o.taskArn && o.cluster) actions.push({ do: 'stop-task', cluster: o.cluster, task: o.taskArn, reason: `cityplan ${rb.name}` });
        else if (a === 'stop-task' && o.type === 'task-stopped') continue; // already stopped
      }
      return { service, conditions, actions, cooldown: rb.cooldown };
    },
  };
}
