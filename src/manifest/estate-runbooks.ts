/**
 * The estate's own runbooks: `runbooks/<name>.yaml` in the estate folder. Declarative data over a
 * fixed set of triggers, conditions and actions (no code runs from an estate), checked like every
 * other manifest: each problem names file, line and field, with a right value.
 *
 * Built-in runbooks are tuned estate-wide through `defaults.runbooks` and per service through
 * `runbooks`; a file here adds a runbook, which the responder asks before the built-ins.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { closest } from './near';
import type { Problem } from './problems';
import { BUILT_IN_RUNBOOKS } from './runbooks';
import { NAME_PATTERN } from './schema';
import { checkShape } from './shape';
import { YamlSource } from './yaml-source';
import { ESTATE_RUNBOOKS_MAX_BYTES, estateRunbooksValue } from './estate-runbooks-value';

export const RUNBOOKS_DIR = 'runbooks';

/** Events an estate runbook can be triggered by, besides a service's alarms. */
export const RUNBOOK_EVENTS = ['task-stopped', 'deployment-failed', 'task-start-impaired', 'placement-failure', 'guardduty-finding', 'config-non-compliant', 'certificate-expiry', 'health-event'] as const;
/** What an estate runbook may do, in the order written. */
export const RUNBOOK_ACTIONS = ['notify', 'escalate', 'rollback', 'force-deployment', 'scale-out', 'stop-task'] as const;
/** Alarm subjects (resourceName.alarm) an estate runbook may answer. */
const ALARM_SUBJECT = /^(error-rate|latency-p99|unhealthy-hosts|dead-letters|run-failed|run-not-started|log-errors|log-fatal|log-pattern-[1-9]\d*)$/;

/** Triggers that name a service, for which service-changing actions make sense. */
const SERVICE_EVENTS = new Set(['task-stopped', 'deployment-failed', 'task-start-impaired', 'placement-failure', 'guardduty-finding']);

export const estateRunbookFile = z
  .strictObject({
    name: z.string().max(40, { error: 'must be at most 40 characters' }).regex(NAME_PATTERN, { error: 'must start with a letter and hold only lower-case letters, digits and hyphens' }),
    description: z.string().min(1).max(200).optional(),
    trigger: z
      .strictObject({
        alarm: z.string().regex(ALARM_SUBJECT, { error: 'must be the last part of a service alarm name: error-rate, latency-p99, unhealthy-hosts, dead-letters, run-failed, run-not-started, log-errors, log-fatal or log-pattern-<n>' }).optional(),
        event: z.enum(RUNBOOK_EVENTS).optional(),
      })
      .refine((t) => (t.alarm === undefined) !== (t.event === undefined), { error: 'needs exactly one of alarm or event, such as alarm: log-pattern-1' }),
    services: z.array(z.string()).min(1).optional(),
    environments: z.array(z.string()).min(1).optional(),
    when: z
      .strictObject({
        deployedWithin: z.int().min(1).max(1440).meta({ description: 'Minutes: only when the service was deployed this recently.' }),
        severityAtLeast: z.number().min(1).max(10).meta({ description: 'GuardDuty severity (guardduty-finding only).' }),
      })
      .partial()
      .optional(),
    actions: z.array(z.enum(RUNBOOK_ACTIONS)).min(1, { error: 'needs at least one action, such as [notify]' }),
    cooldown: z.int().min(1).max(1440).optional(),
  })
  .meta({ title: 'cityplan runbook', description: "One of the estate's own runbooks (runbooks/<name>.yaml)." });

export type EstateRunbookFile = z.infer<typeof estateRunbookFile>;

/** An estate runbook as the responder carries it (what the foundation publishes for it). */
export interface EstateRunbook {
  readonly name: string;
  readonly description?: string;
  readonly trigger: { readonly alarm?: string; readonly event?: (typeof RUNBOOK_EVENTS)[number] };
  /** Absent: every service. */
  readonly services?: readonly string[];
  /** Absent: every environment. */
  readonly environments?: readonly string[];
  readonly when?: { readonly deployedWithin?: number; readonly severityAtLeast?: number };
  readonly actions: ReadonlyArray<(typeof RUNBOOK_ACTIONS)[number]>;
  /** Minutes; default 15. */
  readonly cooldown?: number;
}

export { ESTATE_RUNBOOKS_MAX_BYTES, estateRunbooksValue } from './estate-runbooks-value';

/**
 * Reads runbooks/*.yaml. Problems are added to `problems`; runbooks with none are returned.
 * @param services every service name of the estate, for `services`; undefined when no service
 *   file could be read (that problem is the one to tell, not a runbook naming a service)
 * @param environments every environment name, for `environments`
 * @param patterns each service's number of `logs.alarmOn` patterns (the most in any environment),
 *   so that a `log-pattern-<n>` trigger names an alarm some service has
 */
export function loadEstateRunbooks(dir: string, services: readonly string[] | undefined, environments: readonly string[], problems: Problem[], patterns?: ReadonlyMap<string, number>): EstateRunbook[] {
  const folder = join(dir, RUNBOOKS_DIR);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return [];
  const runbooks: EstateRunbook[] = [];
  const sources = new Map<EstateRunbook, YamlSource>();
  for (const entry of readdirSync(folder).filter((f) => /\.ya?ml$/.test(f) && !f.startsWith('.')).sort()) {
    const rel = `${RUNBOOKS_DIR}/${entry}`;
    const read = YamlSource.read(join(folder, entry), rel);
    problems.push(...read.problems);
    if (!read.source) continue;
    const shape = checkShape(estateRunbookFile, read.source, read.source.data());
    problems.push(...shape.problems);
    const own: Problem[] = [];
    const at = (path: PropertyKey[], message: string) => own.push(read.source!.problem(path, message));
    const known = (list: readonly unknown[] | undefined, all: readonly string[], field: string, what: string) =>
      (list ?? []).forEach((n, i) => {
        if (typeof n !== 'string' || all.includes(n)) return;
        const near = closest(n, all);
        at([field, i], `${what} '${n}' is not in the estate${near ? ` (did you mean '${near}'?)` : ''}`);
      });
    const rb = shape.value;
    if (!rb || shape.problems.length > 0) {
      // The names it gives are checked all the same, so every problem is told in one run.
      const raw = read.source.data() as { services?: unknown; environments?: unknown } | null;
      const list = (v: unknown) => (Array.isArray(v) ? v : undefined);
      if (services) known(list(raw?.services), services, 'services', 'service');
      known(list(raw?.environments), environments, 'environments', 'environment');
      problems.push(...own);
      continue;
    }
    const expected = entry.replace(/\.ya?ml$/, '');
    if (rb.name !== expected) at(['name'], `is '${rb.name}' but the file is ${entry}; a runbook's file name equals its name`);
    if ((BUILT_IN_RUNBOOKS as readonly string[]).includes(rb.name)) {
      at(['name'], `'${rb.name}' is a built-in runbook; tune it under defaults.runbooks.${rb.name} in estate.yaml (or runbooks.${rb.name} in a service), or give this runbook another name`);
    }
    if (services) known(rb.services, services, 'services', 'service');
    known(rb.environments, environments, 'environments', 'environment');
    const aboutService = rb.trigger.alarm !== undefined || SERVICE_EVENTS.has(rb.trigger.event!);
    rb.actions.forEach((a, i) => {
      if (a !== 'notify' && a !== 'escalate' && !aboutService) at(['actions', i], `${a} needs a trigger about a service (an alarm, or ${[...SERVICE_EVENTS].join(', ')}); ${rb.trigger.event} is not; use notify or escalate`);
      if (a === 'stop-task' && rb.trigger.event !== 'guardduty-finding' && rb.trigger.event !== 'task-stopped') at(['actions', i], 'stop-task needs trigger event guardduty-finding (a task that is running); use force-deployment to replace every task');
    });
    const pattern = /^log-pattern-(\d+)$/.exec(rb.trigger.alarm ?? '');
    if (pattern && patterns) {
      const n = Number(pattern[1]);
      const inScope = [...patterns].filter(([svc]) => !rb.services || rb.services.includes(svc));
      if (!inScope.some(([, count]) => count >= n)) {
        const having = inScope.filter(([, count]) => count > 0).map(([svc, count]) => `${svc} has ${count}`);
        at(['trigger', 'alarm'], `no ${rb.services ? 'service it names' : 'service'} has a log-pattern-${n} alarm: a service has one alarm per logs.alarmOn pattern, numbered from 1${having.length ? ` (${having.join(', ')})` : ' and none has any'}`);
      }
    }
    if (rb.when?.severityAtLeast !== undefined && rb.trigger.event !== 'guardduty-finding') at(['when', 'severityAtLeast'], 'applies to trigger event guardduty-finding only');
    problems.push(...own);
    if (own.length === 0) {
      runbooks.push(rb);
      sources.set(rb, read.source);
    }
  }
  problems.push(...tooLarge(runbooks, environments, sources));
  return runbooks;
}

/** One problem, on the largest runbook, when an environment's runbooks do not fit their parameter. */
function tooLarge(runbooks: readonly EstateRunbook[], environments: readonly string[], sources: ReadonlyMap<EstateRunbook, YamlSource>): Problem[] {
  const over = environments.map((env) => ({ env, bytes: Buffer.byteLength(estateRunbooksValue(runbooks, env)) })).filter((o) => o.bytes > ESTATE_RUNBOOKS_MAX_BYTES);
  if (over.length === 0) return [];
  const size = (r: EstateRunbook) => Buffer.byteLength(JSON.stringify(r));
  const largest = [...runbooks].sort((a, b) => size(b) - size(a))[0]!;
  const where = over.map((o) => `${o.env} ${o.bytes} bytes`).join(', ');
  return [
    sources.get(largest)!.problem(
      ['name'],
      `the estate's runbooks take more than the ${ESTATE_RUNBOOKS_MAX_BYTES} bytes of JSON one SSM parameter holds (${where}); this one is the largest (${size(largest)} bytes): shorten descriptions, merge runbooks, or limit runbooks to the environments that need them with environments: [...]`,
    ),
  ];
}
