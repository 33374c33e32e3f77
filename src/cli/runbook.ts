/**
 * `cityplan runbook list <dir>` and `cityplan runbook replay <event.json> --estate <dir> --env E`:
 * the estate's runbooks with their triggers, and, offline, what the environment's responder would
 * decide for one EventBridge event. Replay runs the responder's own decision code
 * (src/runtime/responder/engine.ts) with lookups answered from the manifests instead of AWS.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { environmentNamed } from '../estate/plan';
import { loadEstate } from '../manifest/load';
import { EstateError } from '../manifest/problems';
import { BUILT_IN_RUNBOOKS, RUNBOOK_INFO } from '../manifest/runbooks';
import type { EnvironmentSpec, EstateSpec } from '../manifest/spec';
import { resourceName } from '../naming/names';
import { responderSettings } from '../operations/responder-settings';
import type { Action, DeploymentFacts, ResponderContext, ServiceSettings } from '../runtime/responder/context';
import { decide, type Decision } from '../runtime/responder/engine';
import { readEvent } from '../runtime/responder/observation';
import { offlineLookups } from '../runtime/responder/offline';
import type { Output } from './output';

export interface RunbookListFlags {
  readonly json?: boolean;
}

/** What answers a log alarm no runbook acts on (runtime/responder/runbooks/notify-owner.ts). */
const FALLBACK = {
  name: 'notify-owner',
  trigger: 'a log-errors, log-fatal or log-pattern-<n> alarm going to ALARM that no runbook acts on (none answers, switched off, or its when does not hold)',
  does: 'notify the service owner, saying which runbooks passed and why; also in dry run (log alarms have no alarm action of their own)',
};

/** Lists the runbooks, their triggers, and per environment what the estate changed about them. */
export function runbookListCommand(dir: string, flags: RunbookListFlags, io: Output): number {
  const spec = loadEstate(dir);
  const runbooks = BUILT_IN_RUNBOOKS.map((name) => {
    const off: string[] = [];
    const tuned: string[] = [];
    for (const [env, services] of spec.services) {
      for (const s of services) {
        const t = s.runbooks[name];
        if (t?.enabled === false) off.push(`${env}/${s.name}`);
        else if (t && Object.keys(t).length > 0) tuned.push(`${env}/${s.name}`);
      }
    }
    return { name, trigger: RUNBOOK_INFO[name].trigger, does: RUNBOOK_INFO[name].does, switchedOff: off, tuned };
  });
  const environments = spec.environments.map((e) => ({ name: e.name, dryRun: e.runbooks.dryRun, maxActionsPerHour: e.runbooks.maxActionsPerHour }));
  const own = (spec.runbooks ?? []).map((r) => ({
    name: r.name,
    file: existsSync(join(spec.dir, 'runbooks', `${r.name}.yaml`)) ? `runbooks/${r.name}.yaml` : `runbooks/${r.name}.yml`,
    trigger: r.trigger.alarm !== undefined ? `the service ${r.trigger.alarm} alarm going to ALARM` : `event ${r.trigger.event}`,
    does: `${r.when ? `when ${Object.entries(r.when).map(([k, v]) => `${k} ${v}`).join(' and ')}: ` : ''}${r.actions.join(', ')}`,
    services: r.services ?? 'all',
    environments: r.environments ?? 'all',
  }));
  if (flags.json) {
    io.out(JSON.stringify({ estate: spec.name, environments, runbooks, estateRunbooks: own, fallback: FALLBACK }, null, 2));
    return 0;
  }
  const lines = [`runbooks of estate ${spec.name} (one responder per environment):`];
  for (const r of own) {
    lines.push(`  ${r.name} (${r.file}; asked before the built-ins)`, `    trigger: ${r.trigger}`, `    does:    ${r.does}`);
    if (typeof r.services !== 'string') lines.push(`    for:     ${r.services.join(', ')}`);
    if (typeof r.environments !== 'string') lines.push(`    in:      ${r.environments.join(', ')}`);
  }
  for (const r of runbooks) {
    lines.push(`  ${r.name}`, `    trigger: ${r.trigger}`, `    does:    ${r.does}`);
    if (r.switchedOff.length) lines.push(`    off for: ${r.switchedOff.join(', ')}`);
    if (r.tuned.length) lines.push(`    tuned:   ${r.tuned.join(', ')}`);
  }
  lines.push(`  ${FALLBACK.name} (cannot be switched off)`, `    trigger: ${FALLBACK.trigger}`, `    does:    ${FALLBACK.does}`);
  lines.push('environments:', ...environments.map((e) => `  ${e.name}: ${e.dryRun ? 'dry run (decides and records, changes nothing; notifications still sent, marked dry run)' : 'acts'}, at most ${e.maxActionsPerHour} actions per service per hour`));
  io.out(lines.join('\n'));
  return 0;
}

export interface RunbookReplayFlags {
  readonly estate: string;
  readonly env: string;
  readonly json?: boolean;
  /** Minutes before the event that the service's current deployment started (unknown offline otherwise). */
  readonly deployed?: number;
  /** The service's desired count when the event came (unknown offline otherwise). */
  readonly desired?: number;
}

/** What the responder of one environment would decide for the event in `eventFile`. */
export async function runbookReplayCommand(eventFile: string, flags: RunbookReplayFlags, io: Output): Promise<number> {
  const spec = loadEstate(flags.estate);
  const env = environmentNamed(spec, flags.env);
  const event = readEventFile(eventFile);
  const time = Date.parse(String((event as { time?: unknown }).time));
  const ctx: ResponderContext = {
    estate: spec.name,
    environment: env.name,
    dryRun: env.runbooks.dryRun,
    maxActionsPerHour: env.runbooks.maxActionsPerHour,
    now: Number.isFinite(time) ? time : Date.now(),
  };
  const runbooks = (spec.runbooks ?? []).filter((r) => !r.environments || r.environments.includes(env.name));
  const asked = new Set<string>();
  const decision = await decide(event, ctx, offlineLookups({ services: settingsOf(spec, env), stackPrefix: `${spec.name}-${env.name}-`, deployments: deploymentsOf(spec, env, ctx.now, flags), runbooks, unknown: asked }));
  // Only what this decision needed: when the service was deployed for deploy-regression and a
  // `when.deployedWithin`; how many tasks run for scaling out.
  const askedDeployments = asked.delete('deployments') || deploymentsOf(spec, env, ctx.now, flags) !== undefined;
  const needsDeployed = askedDeployments && (decision.runbook === 'deploy-regression' || 'deployedWithin' in decision.conditions);
  const needsDesired = askedDeployments && (decision.runbook === 'scale-out' || decision.actions.some((a) => a.do === 'scale'));
  const unknown = [
    ...(needsDeployed && flags.deployed === undefined ? ['when the service was last deployed (AWS knows; give --deployed <minutes before the event>)'] : []),
    ...(needsDesired && flags.desired === undefined ? ['how many tasks the service runs (give --desired <count>)'] : []),
    ...asked,
  ];
  if (flags.json) {
    io.out(JSON.stringify({ environment: `${spec.name}/${env.name}`, dryRun: env.runbooks.dryRun, decision, unknownOffline: unknown }, null, 2));
    return 0;
  }
  const tuned = decision.service && decision.runbook ? settingsOf(spec, env).get(decision.service)?.runbooks[decision.runbook]?.cooldown : undefined;
  io.out(describe(decision, env, unknown, Number(decision.cooldown ?? tuned ?? 15)));
  return 0;
}

/**
 * The event file, parsed; a file that is not an EventBridge event is the user's mistake.
 * @throws EstateError (exit 1) naming the file and what an event needs
 */
function readEventFile(file: string): unknown {
  const refuse = (message: string) => new EstateError([{ file, message }], 'the event file');
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw refuse('is a folder; give one EventBridge event as a JSON file');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof EstateError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw refuse(code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? (e as Error).message})`);
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (e) {
    throw refuse(`is not JSON (${(e as Error).message}); give one EventBridge event as JSON, as a rule delivers it: an object with id, source, detail-type, time and detail`);
  }
  const read = readEvent(event);
  // Only what is not an event at all is refused; an event no runbook answers is a decision (ignored).
  if ('ignored' in read && read.ignored.startsWith('not ')) throw refuse(`is ${read.ignored}`);
  return event;
}

/** Each service's settings as its stack would publish them (the same function builds both). */
function settingsOf(spec: EstateSpec, env: EnvironmentSpec): Map<string, ServiceSettings> {
  return new Map((spec.services.get(env.name) ?? []).map((s) => [s.name, { ...responderSettings(s, env.protect), service: s.name }]));
}

/** Deployment facts from the flags, for every service: offline, nothing else knows them. */
function deploymentsOf(spec: EstateSpec, env: EnvironmentSpec, now: number, flags: RunbookReplayFlags): Map<string, DeploymentFacts> | undefined {
  if (flags.deployed === undefined && flags.desired === undefined) return undefined;
  return new Map(
    (spec.services.get(env.name) ?? []).map((s) => {
      const family = resourceName.taskFamily(spec.name, env.name, s.name);
      return [
        s.name,
        {
          desiredCount: flags.desired ?? s.count.min,
          current: { taskDefinition: `${family}:<current>`, startedAt: flags.deployed === undefined ? Number.NaN : now - flags.deployed * 60_000 },
          previousTaskDefinition: `${family}:<previous>`,
        },
      ];
    }),
  );
}

function describeAction(a: Action): string {
  switch (a.do) {
    case 'rollback':
      return `roll ${a.service} back to ${a.taskDefinition}`;
    case 'scale':
      return `set ${a.service} to ${a.desiredCount} tasks`;
    case 'force-deployment':
      return `force a new deployment of ${a.service}`;
    case 'isolate-task':
      return `move network interface ${a.networkInterface} into the quarantine security group`;
    case 'stop-task':
      return `stop task ${a.task}`;
    case 'block-public-access':
      return `block public access on bucket ${a.bucket}`;
    case 'revoke-ingress':
      return `revoke ${a.rules.length} world-open rule(s) on ${a.groupId}`;
    case 'notify':
      return `notify${a.owner ? ` ${a.owner}` : ''}: ${a.subject}`;
    case 'escalate':
      return `open an OpsItem: ${a.title}`;
  }
}

/** @param cooldown minutes, as the guardrails would apply it (guardrails.ts: the runbook's own, the service's tuning, else 15) */
function describe(d: Decision, env: EnvironmentSpec, unknown: readonly string[], cooldown: number): string {
  if (d.ignored) return `ignored${d.runbook ? ` (${d.runbook})` : ''}: ${d.ignored}`;
  const lines = [`runbook: ${d.runbook}${d.service ? ` for ${d.service}` : ''}`, 'seen:'];
  for (const [k, v] of Object.entries(d.conditions)) if (v !== undefined) lines.push(`  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  lines.push(`would ${env.runbooks.dryRun ? 'do (dry run: changes nothing; notify and escalate still sent, marked dry run)' : 'do'}:`);
  lines.push(...(d.actions.length ? d.actions.map((a) => `  - ${describeAction(a)}`) : ['  nothing']));
  if (d.whileCoolingDown.length) lines.push('within its cooldown, instead:', ...d.whileCoolingDown.map((a) => `  - ${describeAction(a)}`));
  lines.push(`guardrails: once per event id; cooldown ${cooldown} minutes per ${d.service ? `service (${d.service})` : 'subject'} and runbook; at most ${env.runbooks.maxActionsPerHour} changing actions per service per hour`);
  if (unknown.length) lines.push(`not known offline: ${unknown.join('; ')}`);
  return lines.join('\n');
}
