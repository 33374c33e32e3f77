/**
 * compromised-task: a GuardDuty finding on a task of the estate. At `severity` or above (7.0 is
 * where GuardDuty's High begins) the task's network interface is moved into the environment's
 * quarantine security group (no rules: nothing in, nothing out), the task is stopped (ECS starts a
 * clean one), the owner is told and an OpsItem opened. Below it, the owner is told.
 */
import { evidence, tuning, type Action, type Runbook } from '../context';

export const compromisedTask: Runbook = {
  name: 'compromised-task',
  answers(o) {
    return o.type === 'finding' && o.taskArn && o.cluster ? { service: o.service } : undefined;
  },
  async plan(o, ctx, settings, lookups) {
    if (o.type !== 'finding') throw new Error('compromised-task answers GuardDuty findings only');
    const service = settings?.service;
    const owner = settings?.owner;
    const min = tuning(settings, 'compromised-task').severity as number;
    const conditions = { service, finding: o.findingType, severity: o.severity, actsFrom: min, task: o.taskArn, findingId: o.findingId };
    const subject = `${service ?? 'task'}: GuardDuty ${o.findingType} (severity ${o.severity})`;
    if (o.severity < min) return { service, conditions, actions: [{ do: 'notify', owner, subject, message: evidence(conditions) }] };
    const eni = await lookups.taskInterface(o.taskArn!);
    const actions: Action[] = [
      ...(eni ? [{ do: 'isolate-task' as const, networkInterface: eni }] : []),
      { do: 'stop-task', cluster: o.cluster!, task: o.taskArn!, reason: `cityplan compromised-task: GuardDuty ${o.findingId}` },
      { do: 'notify', owner, subject: `${subject}: task ${eni ? 'isolated and ' : ''}stopped`, message: evidence({ ...conditions, networkInterface: eni }) },
      { do: 'escalate', title: `${ctx.estate}/${ctx.environment}: ${subject}`, description: evidence(conditions), dedup: `guardduty-${o.findingId}` },
    ];
    return { service, conditions, actions };
  },
};
