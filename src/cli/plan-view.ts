/**
 * The plan as text for the person who decides whether to deploy it: per environment its settings,
 * its services (one row each, or counts for a large estate), the changes to what is deployed, and
 * what must exist before the deploy can succeed. `plan --json` carries all of it regardless.
 */
import { relative } from 'node:path';
import type { PlanResult } from '../estate/plan';
import type { ExternalHostnamePrerequisite, Prerequisite } from '../estate/prerequisites';
import { renderAcknowledgements } from './findings-view';
import { count, table } from './text-table';
import { DELIVERY } from '../naming/names';

/** How renderPlan lays the plan out. */
export interface PlanView {
  /** One row per service ('detail') or counts per environment ('summary'); default: by size (SUMMARY_ABOVE). */
  readonly layout?: 'summary' | 'detail';
  /** List the acknowledged policy findings with their reasons, grouped by rule and reason. */
  readonly findings?: boolean;
}

/**
 * Above this many service rows (services × environments in the plan) the text shows each
 * environment's counts instead of its table. A first plan prints a row and an `added:` line per
 * service, so 40 rows already fill a terminal screen twice over: beyond that the warnings, the
 * settings and the "before you deploy" section scroll away behind rows nobody reads one by one.
 * A team's estate (the example has 12 rows) stays in detail.
 */
export const SUMMARY_ABOVE = 40;

/** Beyond this many, rows of one kind (removals, names outside the zone) are counted, not listed. */
const LISTED = 10;

type Environment = PlanResult['environments'][number];

/**
 * The plan as text: the warnings, then per environment its header (settings), shards, services (rows
 * or counts, see SUMMARY_ABOVE), changes and "before you deploy"; then stacks, policy (with the
 * acknowledged findings when asked), assembly and lock.
 */
export function renderPlan(r: PlanResult, view: PlanView = {}): string {
  const rows = r.environments.reduce((n, e) => n + e.services.length, 0);
  const summary = view.layout ? view.layout === 'summary' : rows > SUMMARY_ABOVE;
  const lines: string[] = [`Plan of estate ${r.estate}`, ''];
  for (const flag of r.changes.flags) lines.push(`WARNING: ${flag}`);
  if (r.changes.flags.length > 0) lines.push('');
  for (const env of r.environments) {
    lines.push(
      `${env.name}  account ${env.account}, ${env.region}, *.${env.domain}; protect ${yesNo(env.protect)}, zones ${env.zones}, capacity ${env.capacity}, egress ${env.egress}${env.egress === 'endpoints' ? ' (AWS APIs through VPC endpoints only: no internet, no Route 53 API)' : ''}, approval ${yesNo(env.approval)}${env.approval ? ` (${r.pipelines ? 'pipelines ask before deploying here; ' : ''}cityplan deploy deploys it only with --env ${env.name})` : ''}`,
    );
    const ops = env.operations;
    lines.push(`  operations: responder ${ops.responderDryRun ? 'dry run (changes nothing; notifications still sent)' : 'acts'}; Config recorder ${ops.configRecorder ? "cityplan's" : "the account's"}; GuardDuty ${ops.guardduty ? "cityplan's" : "the account's"}`);
    const shards = env.shards.map(
      (s) =>
        `#${s.id} ${count(s.services, 'service')}, ${count(s.certificates, 'extra certificate')}${
          s.rules !== s.services || s.targetGroups !== s.services ? ` (${count(s.rules, 'rule')}, ${count(s.targetGroups, 'target group')})` : ''
        }`,
    );
    lines.push(`  load balancer shards: ${shards.length > 0 ? shards.join('; ') : 'none'}`);
    const body = summary ? environmentSummary(r, env) : environmentDetail(r, env);
    lines.push(...body.map((l) => `  ${l}`));
    lines.push(...renderPrerequisites(env).map((l) => `  ${l}`));
    lines.push('');
  }
  lines.push(...renderDelivery(r));
  const resources = r.stacks.reduce((n, s) => n + s.resources, 0);
  const largest = [...r.stacks].sort((a, b) => b.resources - a.resources)[0];
  const { unacknowledged, acknowledged } = r.findings;
  const listed = view.findings && acknowledged > 0;
  lines.push(
    `stacks: ${r.stacks.length}, ${resources} resources${largest ? ` (largest ${largest.name}: ${largest.resources} resources, ${largest.bytes} bytes)` : ''}`,
    `policy: AwsSolutions, NIST 800-53 R5 and Cityplan — ${unacknowledged} unacknowledged findings, ${acknowledged} acknowledged with reasons${listed ? ':' : acknowledged > 0 ? ' (--findings lists them)' : ''}`,
    ...(listed ? renderAcknowledgements(r.findings.acknowledgements).map((l) => `  ${l}`) : []),
    `assembly: ${relative(process.cwd(), r.assembly) || '.'}`,
    `lock: ${relative(process.cwd(), r.lock.path)} ${r.lock.changed ? 'updated' : 'unchanged'}`,
  );
  if (summary) {
    const services = new Set(r.environments.flatMap((e) => e.services.map((s) => s.name))).size;
    const where = r.environments.length > 1 ? ` in ${r.environments.length} environments` : '';
    lines.push(`(${count(services, 'service')}${where}: --detail lists each)`);
  }
  return lines.join('\n');
}

/**
 * What reaches a service or starts its work, by kind: a web service's URLs, a backend's address and
 * callers, a worker's queue and the topics it takes, a job's schedule; then what it calls,
 * publishes and keeps (its database, bucket and cache).
 */
function facts(s: Environment['services'][number]): string {
  const first =
    s.kind === 'job'
      ? `${s.schedule}, stops after ${s.timeout} min`
      : s.kind === 'worker'
        ? s.queue
          ? `${s.queue.fifo ? 'FIFO queue' : 'queue'}${s.queue.subscribes.length > 0 ? ` ← ${s.queue.subscribes.join(', ')}` : ''}`
          : 'no queue'
        : s.urls.join(' ') + (s.calledBy ? ` (called by ${s.calledBy.join(', ')})` : '');
  const links = [s.calls ? `calls ${s.calls.join(', ')}` : '', s.publishes ? `publishes ${s.publishes.join(', ')}` : '', s.data ? `keeps ${s.data.join(', ')}` : ''].filter(Boolean);
  return [first, ...links].join('; ');
}

/** One row per service, its notes, and this environment's changes, one line each. */
function environmentDetail(r: PlanResult, env: Environment): string[] {
  const rows = env.services.map((s) => [
    s.name,
    s.kind,
    s.shard === undefined ? '-' : String(s.shard),
    s.priority === undefined ? '-' : (s.priorities ?? [s.priority]).join(','),
    String(s.cpu),
    `${s.memory} MiB`,
    s.kind === 'job' ? '1 per run' : range(s.count.min, s.count.max),
    s.resources === undefined ? '-' : String(s.resources),
    facts(s),
  ]);
  return [
    ...table(['SERVICE', 'KIND', 'SHARD', 'RULE', 'CPU', 'MEMORY', 'TASKS', 'RESOURCES', 'URL / QUEUE / SCHEDULE'], rows),
    ...running(env),
    ...env.services.filter((x) => x.note).map((s) => `note: ${s.name}: ${s.note}`),
    ...renderChanges(r.changes, env.name),
  ];
}

/** Counts in place of rows: services by kind, stacks, tasks, changes, and notes grouped by what they say. */
function environmentSummary(r: PlanResult, env: Environment): string[] {
  const kinds = new Map<string, number>();
  for (const s of env.services) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
  const stacks = r.stacks.filter((s) => s.environment === env.name);
  const notes = new Map<string, number>();
  for (const s of env.services) if (s.note) notes.set(s.note, (notes.get(s.note) ?? 0) + 1);
  const c = r.changes;
  const of = <T extends { environment: string }>(list: readonly T[]) => list.filter((x) => x.environment === env.name);
  const removed = renderChanges({ ...c, added: [], moved: [], order: [] }, env.name);
  return [
    `services: ${env.services.length} (${[...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ')})`,
    `stacks: ${stacks.length}, ${stacks.reduce((n, s) => n + s.resources, 0)} resources`,
    ...running(env),
    `changes: ${of(c.added).length} added, ${of(c.moved).length} moved, ${of(c.removed).length} removed, ${count(of(c.order).length, 'ordering')}`,
    // A removal deletes what it names: those lines are read one by one, as long as they are few.
    ...removed.slice(0, LISTED),
    ...(removed.length > LISTED ? [`removed: and ${removed.length - LISTED} more (--detail lists each)`] : []),
    ...[...notes].map(([note, n]) => `note ×${n}: ${note}`),
  ];
}

/**
 * What the services with a stack run all the time: tasks at their minimum and maximum, and the CPU
 * and memory those take. Jobs are left out: each runs one task only while a run lasts.
 */
function running(env: Environment): string[] {
  const built = env.services.filter((s) => s.resources !== undefined && s.kind !== 'job');
  if (built.length === 0) return [];
  const sum = (f: (s: (typeof built)[number]) => number) => built.reduce((n, s) => n + f(s), 0);
  const at = (n: 'min' | 'max') => ({
    tasks: sum((s) => s.count[n]),
    vcpu: sum((s) => s.cpu * s.count[n]) / 1024,
    gib: sum((s) => s.memory * s.count[n]) / 1024,
  });
  const [lo, hi] = [at('min'), at('max')];
  return [`tasks: ${range(lo.tasks, hi.tasks)} in all, ${range(round(lo.vcpu), round(hi.vcpu))} vCPU, ${range(round(lo.gib), round(hi.gib))} GiB memory`];
}

/**
 * Prerequisites as a checklist, each message on its line, except the names outside the zone: one
 * line each would repeat the same instructions, so they share one and follow as a table, of at
 * most LISTED rows (--json lists every one, each with its own message).
 */
function renderPrerequisites(env: Environment): string[] {
  if (env.prerequisites.length === 0) return [];
  const external = env.prerequisites.filter((p): p is ExternalHostnamePrerequisite => p.kind === 'external-hostname');
  const lines = ['before you deploy:', ...env.prerequisites.filter((p) => p.kind !== 'external-hostname').map((p) => `  - ${p.message}`)];
  if (external.length === 0) return lines;
  const rows = external
    .slice(0, LISTED)
    .map((p) => [p.hostname, p.service, p.heldBy ? `${p.heldBy.domain} (${p.heldBy.environment}, account ${p.heldBy.account})` : 'not in this estate', p.loadBalancerParameter ?? '-']);
  return [
    ...lines,
    `  - DNS for ${count(external.length, 'name')} outside the zone ${env.domain}: in the zone that holds each, add the ACM validation CNAME of its service's certificate (the deploy of the service's stack waits for it and shows it in the stack's events), and a CNAME (an alias record at a zone apex) to the load balancer whose DNS name the SSM parameter in account ${env.account} holds once deployed:`,
    ...table(['NAME', 'SERVICE', 'ZONE THAT HOLDS IT', 'LOAD BALANCER DNS NAME (SSM)'], rows).map((l) => `      ${l}`),
    ...(external.length > LISTED ? [`      and ${external.length - LISTED} more (plan --json lists every one)`] : []),
  ];
}

/** One environment's part of the changes, one line each. */
function renderChanges(c: PlanResult['changes'], environment: string): string[] {
  const lines: string[] = [];
  for (const a of c.added.filter((x) => x.environment === environment)) {
    lines.push(`added: ${a.service} (${a.kind})${a.incarnation ? `, its life ${a.incarnation}: names of what its earlier life left behind are not reused` : ''}`);
  }
  for (const m of c.moved.filter((x) => x.environment === environment)) {
    const parts = [
      m.from.shard !== m.to.shard ? `shard ${m.from.shard} → ${m.to.shard}` : '',
      rules(m.from) !== rules(m.to) ? `rule ${rules(m.from)} → ${rules(m.to)}` : '',
      JSON.stringify(m.from.hostnames ?? []) !== JSON.stringify(m.to.hostnames ?? [])
        ? `hostnames ${(m.from.hostnames ?? []).join(' ') || '-'} → ${(m.to.hostnames ?? []).join(' ') || '-'}`
        : '',
      (m.from.strategy ?? 'rolling') !== (m.to.strategy ?? 'rolling') ? `deploy ${m.from.strategy ?? 'rolling'} → ${m.to.strategy ?? 'rolling'}` : '',
    ].filter(Boolean);
    lines.push(`moved: ${m.service}: ${parts.join(', ')}`);
  }
  for (const x of c.removed.filter((y) => y.environment === environment)) {
    const what = x.service ? `service ${x.service}` : `load balancer shard ${x.shard}`;
    const step = {
      remove: 'deploy deletes',
      unprotect: 'this deploy lifts its deletion protection, then the next plan and deploy delete',
      later: 'a plan and deploy of the whole environment delete',
    }[x.step];
    lines.push(`removed: ${what}: ${step} ${x.deletes.join(', ')}${x.keeps.length ? `; keeps ${x.keeps.join(', ')}` : ''}`);
  }
  for (const o of c.order.filter((x) => x.environment === environment)) lines.push(`order: ${o.stack} after ${o.after}: ${o.reason}`);
  return lines;
}

/** A position's rule priorities, `3` or `3,7`. */
function rules(p: { readonly priority?: number; readonly priorities?: readonly number[] }): string {
  return (p.priorities ?? (p.priority === undefined ? [] : [p.priority])).join(',');
}

/** `2–6`, or `4` when both ends are equal. */
function range(min: number | string, max: number | string): string {
  return min === max ? String(min) : `${min}–${max}`;
}

/** At most two decimals, none when whole: 0.25 vCPU, 3 GiB. */
function round(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

/**
 * The delivery account's part of the plan: its stacks (the shared key and bucket, a pipeline per
 * service) and the pipelines leaving with removed services, whose image repositories stay.
 */
function renderDelivery(r: PlanResult): string[] {
  const stacks = r.stacks.filter((s) => s.environment === DELIVERY);
  const removed = renderChanges({ ...r.changes, added: [], moved: [], order: [] }, DELIVERY);
  if (stacks.length === 0 && removed.length === 0 && r.prerequisites.length === 0) return [];
  // A removed service's stack is in the plan as its removal, not as a pipeline.
  const leaving = new Set(r.changes.removed.filter((x) => x.environment === DELIVERY).map((x) => x.stack));
  const pipelines = stacks.filter((s) => s.service && !leaving.has(s.name)).length;
  const removals = stacks.filter((s) => leaving.has(s.name)).length;
  return [
    `delivery  ${count(stacks.length, 'stack')} in the delivery account: ${pipelines > 0 ? `${count(pipelines, 'service pipeline')} (image repository, build, scan, approvals where asked, deploy, verify)` : 'no pipeline'}${removals > 0 ? `, ${count(removals, 'removal')}` : ''}${stacks.length > pipelines + removals ? ', and what they share (key, artifact bucket)' : ''}`,
    ...removed.map((l) => `  ${l.replace(/^removed: service (\S+): /, 'removed: pipeline of $1: ')}`),
    ...(r.prerequisites.length > 0 ? ['  before you deploy:', ...r.prerequisites.map((p) => `    - ${p.message}`)] : []),
    '',
  ];
}
