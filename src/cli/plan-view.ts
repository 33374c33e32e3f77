/** The plan as text for the person who decides whether to deploy it. */
import { relative } from 'node:path';
import type { PlanResult } from '../estate/plan';
import { count, table } from './text-table';

export function renderPlan(r: PlanResult): string {
  const lines: string[] = [`Plan of estate ${r.estate}`, ''];
  for (const flag of r.changes.flags) lines.push(`WARNING: ${flag}`);
  if (r.changes.flags.length > 0) lines.push('');
  for (const env of r.environments) {
    lines.push(`${env.name}  account ${env.account}, ${env.region}, *.${env.domain}`);
    if (env.createsZone) {
      lines.push(
        env.nameServers
          ? `  DNS: the foundation created the zone ${env.domain}; its parent zone must delegate it to ${env.nameServers.join(', ')}`
          : `  DNS: the foundation creates the zone ${env.domain}; cityplan deploy deploys the foundation first, shows the name servers to delegate to from the parent zone, and waits for the delegation before it requests the certificate`,
      );
    }
    const shards = env.shards.map((s) => `#${s.id} ${count(s.services, 'service')}, ${count(s.certificates, 'extra certificate')}`);
    lines.push(`  load balancer shards: ${shards.length > 0 ? shards.join('; ') : 'none'}`);
    const rows = env.services.map((s) => [
      s.name,
      s.kind,
      s.shard === undefined ? '-' : String(s.shard),
      s.priority === undefined ? '-' : String(s.priority),
      s.resources === undefined ? '-' : String(s.resources),
      s.urls.join(' '),
    ]);
    lines.push(...table(['SERVICE', 'KIND', 'SHARD', 'RULE', 'RESOURCES', 'URL'], rows).map((l) => `  ${l}`));
    for (const s of env.services.filter((x) => x.note)) lines.push(`  note: ${s.name}: ${s.note}`);
    lines.push(...renderChanges(r.changes, env.name).map((l) => `  ${l}`));
    lines.push('');
  }
  const resources = r.stacks.reduce((n, s) => n + s.resources, 0);
  const largest = [...r.stacks].sort((a, b) => b.resources - a.resources)[0];
  lines.push(
    `stacks: ${r.stacks.length}, ${resources} resources${largest ? ` (largest ${largest.name}: ${largest.resources} resources, ${largest.bytes} bytes)` : ''}`,
    `policy: AwsSolutions and NIST 800-53 R5 — ${r.findings.unacknowledged} unacknowledged findings, ${r.findings.acknowledged} acknowledged with reasons`,
    `assembly: ${relative(process.cwd(), r.assembly) || '.'}`,
    `lock: ${relative(process.cwd(), r.lock.path)} ${r.lock.changed ? 'updated' : 'unchanged'}`,
  );
  return lines.join('\n');
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
      m.from.priority !== m.to.priority ? `rule ${m.from.priority} → ${m.to.priority}` : '',
      JSON.stringify(m.from.hostnames ?? []) !== JSON.stringify(m.to.hostnames ?? [])
        ? `hostnames ${(m.from.hostnames ?? []).join(' ') || '-'} → ${(m.to.hostnames ?? []).join(' ') || '-'}`
        : '',
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
