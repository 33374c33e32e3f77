/**
 * notify-owner: the fallback for the alarms that have no alarm action of their own. The log
 * alarms (log-errors, log-fatal, log-pattern-<n>; src/operations/log-alarms.ts) reach people only
 * through the responder, so when no runbook acts on one (none answers it, the one that would is
 * switched off for the service, or an estate runbook's `when` does not hold) the owner is still
 * told. Every other alarm of a service notifies the alerts topic itself and is left alone here.
 * Not a runbook a manifest can name or switch off: an alarm must never reach nobody.
 */
import { alarmOf } from '../../../naming/names';
import { evidence, type Runbook } from '../context';

/** The alarm subjects whose only way to anyone is the responder. */
export const SILENT_ALARMS = /^(log-errors|log-fatal|log-pattern-\d+)$/;

export const notifyOwner: Runbook = {
  name: 'notify-owner',
  answers(o, ctx) {
    if (o.type !== 'alarm' || o.state !== 'ALARM') return undefined;
    const alarm = alarmOf(ctx.estate, ctx.environment, o.alarmName);
    return alarm && SILENT_ALARMS.test(alarm.subject) ? { service: alarm.service } : undefined;
  },
  async plan(o, _ctx, settings) {
    if (o.type !== 'alarm') throw new Error('notify-owner answers alarms only');
    const service = settings!.service;
    const conditions = { service, alarm: o.alarmName, state: o.state, reason: o.reason };
    // Cooldown 0: each transition into ALARM is one notification, as an alarm action would send.
    return { service, conditions, cooldown: 0, actions: [{ do: 'notify', owner: settings!.owner, subject: `${service}: ${o.alarmName} is in ALARM (no runbook acts on it)`, message: evidence(conditions) }] };
  },
};
