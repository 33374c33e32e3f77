/**
 * The decision: which runbook answers an event, for which service of the environment, and what it
 * would do. The same code runs in the Lambda (index.ts) and in `cityplan runbook replay`; only the
 * lookups differ. Nothing here throws for a bad event: it is ignored with a reason.
 */
import { RUNBOOKS } from './catalog';
import { clusterName, type Action, type Lookups, type Plan, type ResponderContext, type Runbook, type ServiceSettings } from './context';
import { alarmOf } from '../../naming/names';
import { readEvent, type Observation } from './observation';
import { estateRunbook } from './runbooks/estate-runbook';
import { notifyOwner } from './runbooks/notify-owner';

/** An event the responder will answer: the runbook and the service's settings. */
export interface Selected {
  readonly observation: Observation;
  readonly runbook: Runbook;
  readonly settings?: ServiceSettings;
  /** Runbooks that answered but did not act (switched off, `when` not holding), when notify-owner decides. */
  readonly passed?: readonly string[];
}

export type Selection =
  | { readonly selected: Selected }
  | { readonly ignored: string; readonly id?: string; readonly detailType?: string; readonly event?: string; readonly service?: string; readonly runbook?: string };

/**
 * What happened, as the audit line names it (issue 11's analytics/responder-line.ts): an ECS
 * deployment's or service action's `eventName`, else the event's `detail-type`.
 */
export const eventOf = (o: Observation): string => (o.type === 'deployment' || o.type === 'service-action' ? o.eventName : o.detailType);

/** The service an observation names, when it names one of this environment's (its cluster, its alarms). */
function serviceNamed(o: Observation, ctx: ResponderContext): string | undefined {
  if (o.type === 'alarm') return alarmOf(ctx.estate, ctx.environment, o.alarmName)?.service;
  if (o.type === 'task-stopped' || o.type === 'deployment' || o.type === 'service-action' || o.type === 'finding') return o.cluster === clusterName(ctx) ? o.service : undefined;
  return undefined;
}

/** Why an observation is outside this environment of the estate, if it is. */
async function outside(o: Observation, ctx: ResponderContext, lookups: Lookups): Promise<string | undefined> {
  const cluster = clusterName(ctx);
  switch (o.type) {
    case 'task-stopped':
    case 'deployment':
    case 'service-action':
      return o.cluster === cluster ? undefined : `cluster ${o.cluster} is not ${cluster}`;
    case 'finding':
      if (!o.taskArn) return `GuardDuty ${o.findingType} is not about an ECS task`;
      return o.cluster === cluster ? undefined : `GuardDuty finding on cluster ${o.cluster ?? '?'}, not ${cluster}`;
    case 'alarm':
      return o.alarmName.startsWith(`${cluster}-`) ? undefined : `alarm ${o.alarmName} is not named ${cluster}-<service>-…`;
    case 'compliance':
      return (await lookups.inEstate(o.resourceType, o.resourceId)) ? undefined : `${o.resourceType} ${o.resourceId} is not a resource of ${ctx.estate}/${ctx.environment}`;
    case 'certificate':
      return (await lookups.inEstate('AWS::CertificateManager::Certificate', o.certificateArn)) ? undefined : `certificate ${o.certificateArn} is not one of ${ctx.estate}/${ctx.environment}`;
    case 'health':
      return undefined;
  }
}

/** Reads an event and picks its runbook and service; or says why it is ignored. */
export async function select(raw: unknown, ctx: ResponderContext, lookups: Lookups): Promise<Selection> {
  const read = readEvent(raw);
  if ('ignored' in read) return read;
  const o = read.observation;
  const base = { id: o.id, detailType: o.detailType, event: eventOf(o), service: serviceNamed(o, ctx) };
  const away = await outside(o, ctx, lookups);
  if (away) return { ...base, ignored: `outside the estate: ${away}` };
  // The estate's own runbooks first: one may take over an event a built-in would answer.
  const runbooks = [...(await lookups.estateRunbooks()).map(estateRunbook), ...RUNBOOKS];
  // Why the runbooks that answered did not act: the fallback's evidence, or the reason ignored.
  const passed: string[] = [];
  for (const runbook of runbooks) {
    const answer = runbook.answers(o, ctx);
    if (!answer) continue;
    const settings = answer.service === undefined ? undefined : await lookups.service(answer.service);
    if (answer.service !== undefined && !settings) return { ...base, runbook: runbook.name, ignored: `no service ${answer.service} in ${ctx.estate}/${ctx.environment}` };
    if (settings?.runbooks[runbook.name]?.enabled === false) {
      passed.push(`${runbook.name} is switched off for ${settings.service}`);
      continue;
    }
    if (runbook.holds && !(await runbook.holds(o, ctx, settings, lookups))) {
      passed.push(`${runbook.name}: its when does not hold`);
      continue;
    }
    return { selected: { observation: o, runbook, settings } };
  }
  // An alarm with no action of its own still reaches its owner (notify-owner.ts).
  const fallback = notifyOwner.answers(o, ctx);
  if (fallback?.service !== undefined) {
    const settings = await lookups.service(fallback.service);
    if (settings) return { selected: { observation: o, runbook: notifyOwner, settings, passed } };
  }
  if (passed.length > 0) return { ...base, runbook: passed[0]!.split(/[ :]/)[0], ignored: passed.join('; ') };
  return { ...base, ignored: `no runbook answers this ${o.type} event` };
}

/** What the runbook decides for a selected event. */
export async function plan(selected: Selected, ctx: ResponderContext, lookups: Lookups): Promise<Plan> {
  const p = await selected.runbook.plan(selected.observation, ctx, selected.settings, lookups);
  return selected.passed?.length ? { ...p, conditions: { ...p.conditions, passed: selected.passed } } : p;
}

/** What the responder decided for one event, as audited and as `runbook replay` prints it. */
export interface Decision {
  readonly eventId?: string;
  readonly detailType?: string;
  /** See eventOf. */
  readonly event?: string;
  readonly runbook?: string;
  readonly service?: string;
  /** Why nothing was decided: not an event, outside the estate, no runbook, switched off. */
  readonly ignored?: string;
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly actions: readonly Action[];
  readonly whileCoolingDown: readonly Action[];
  /** Minutes, when the runbook sets its own cooldown. */
  readonly cooldown?: number;
}

/** select then plan, for one event: what `cityplan runbook replay` shows. */
export async function decide(raw: unknown, ctx: ResponderContext, lookups: Lookups): Promise<Decision> {
  const selection = await select(raw, ctx, lookups);
  if ('ignored' in selection) {
    const { id, detailType, event, service, runbook, ignored } = selection;
    return { eventId: id, detailType, event, service, runbook, ignored, conditions: {}, actions: [], whileCoolingDown: [] };
  }
  return planned(selection.selected, await plan(selection.selected, ctx, lookups));
}

export function planned(s: Selected, p: Plan): Decision {
  return {
    eventId: s.observation.id,
    detailType: s.observation.detailType,
    event: eventOf(s.observation),
    runbook: s.runbook.name,
    service: p.service,
    conditions: p.conditions,
    actions: p.actions,
    whileCoolingDown: p.whileCoolingDown ?? [],
    ...(p.cooldown !== undefined ? { cooldown: p.cooldown } : {}),
  };
}
