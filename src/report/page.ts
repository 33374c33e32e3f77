/**
 * The report as one self-contained HTML page: styles, script and the diagram inline, nothing
 * fetched when it is viewed (no font, image, script or style from anywhere). Laid out for WCAG 2.2
 * AA the GOV.UK way: one h1, headings in order, tables with captions and header scopes, a skip
 * link, labelled controls, visible focus, text beside every bar and colour.
 */
import { environmentDiagram } from './diagram';
import { escapeHtml as e, safeHref } from './escape';
import type { ReportEnvironment, ReportModel, ReportService, ReportShard, Usage } from './model';
import { SCRIPT } from './script';
import { STYLE } from './style';

export interface PageOptions {
  /** The environment to draw; default the first. Must be one of the model's (the CLI checks). */
  readonly diagramEnvironment?: string;
}

/** The page for `model`. Every value from the estate is escaped (escape.ts). */
export function renderReport(model: ReportModel, options: PageOptions = {}): string {
  const services = model.environments.reduce((n, env) => n + env.services.length, 0);
  const drawn = model.environments.find((env) => env.name === options.diagramEnvironment) ?? model.environments[0];
  const kinds = [...new Set(model.environments.flatMap((env) => env.services.map((s) => s.kind)))].sort();
  const owners = [...new Set(model.environments.flatMap((env) => env.services.map((s) => s.owner ?? '')))].filter(Boolean).sort();
  const title = `Estate ${model.estate.name}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)} – cityplan report</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header>cityplan estate report</header>
<main id="main" tabindex="-1">
<h1>${e(title)}</h1>
<dl class="facts">
${fact('Owner', e(model.estate.owner))}
${fact('Region', e(model.estate.region))}
${fact('Planned', `<time datetime="${e(model.plannedAt)}">${e(readableTime(model.plannedAt))}</time>`)}
${fact('cityplan version', e(model.version))}
${fact('Environments', `${model.environments.length}: ${model.environments.map((env) => e(env.name)).join(', ')}`)}
${fact('Services', `${services} across the environments`)}
${fact('Policy findings', findings(model.findings))}
</dl>
<section id="find" aria-labelledby="find-heading" hidden>
<h2 id="find-heading">Find services</h2>
<form id="filter" role="search" aria-label="Filter services">
<div class="filters">
<div><label for="filter-text">Search by name, owner or kind</label><input id="filter-text" name="q" type="search" autocomplete="off" spellcheck="false"></div>
<div><label for="filter-kind">Kind</label><select id="filter-kind" name="kind"><option value="">All kinds</option>${kinds.map((k) => `<option value="${e(k)}">${e(k)}</option>`).join('')}</select></div>
<div><label for="filter-owner">Owner</label><select id="filter-owner" name="owner"><option value="">All owners</option>${owners.map((o) => `<option value="${e(o)}">${e(o)}</option>`).join('')}</select></div>
</div>
</form>
<p id="count" role="status" aria-live="polite">${services} of ${services} services shown</p>
</section>
<nav aria-labelledby="contents-heading">
<h2 id="contents-heading">Contents</h2>
<ul>
${model.environments.map((env) => `<li><a href="#env-${e(env.name)}">Environment ${e(env.name)}</a></li>`).join('\n')}
${drawn ? `<li><a href="#diagram">Diagram of ${e(drawn.name)}</a></li>` : ''}
<li><a href="#policy">NCSC Cloud Security Principles</a></li>
</ul>
</nav>
${model.environments.map(environmentSection).join('\n')}
${drawn ? diagramSection(drawn) : ''}
${policySection(model)}
</main>
<footer><p>Written by cityplan ${e(model.version)} from a plan of estate ${e(model.estate.name)} made at ${e(readableTime(model.plannedAt))}. This page is self-contained: it fetches nothing from any network.</p></footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function fact(term: string, html: string): string {
  return `<dt>${e(term)}</dt><dd>${html}</dd>`;
}

/** `2026-11-30T21:49:20.000Z` → `30 November 2026, 21:49 UTC` (GOV.UK style dates). */
function readableTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const month = d.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCDate()} ${month} ${d.getUTCFullYear()}, ${hh}:${mm} UTC`;
}

function findings(f: { readonly unacknowledged: number; readonly acknowledged: number }): string {
  const open = f.unacknowledged > 0 ? `<span class="open">${f.unacknowledged} unacknowledged</span>` : '0 unacknowledged';
  return `${open}, ${f.acknowledged} acknowledged with reasons`;
}

/** US dollars with cents, or an em dash (said as "no estimate") when there is no figure. */
function money(monthly: number | undefined): string {
  if (monthly === undefined || !Number.isFinite(monthly)) return '<span aria-hidden="true">—</span><span class="visually-hidden">no estimate</span>';
  return e(`$${monthly.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
}

function environmentSection(env: ReportEnvironment): string {
  const id = `env-${env.name}`;
  return `<section aria-labelledby="${e(id)}">
<h2 id="${e(id)}">Environment ${e(env.name)}</h2>
<dl class="facts">
${fact('Account', e(env.account))}
${fact('Region', e(env.region))}
${fact('Domain', e(env.domain))}
${fact('Protected', env.protect ? 'yes (deletion protection, retained data, at least 2 tasks)' : 'no')}
${fact('Availability zones', e(env.zones))}
${fact('Capacity', e(env.capacity))}
${fact('Egress', e(env.egress))}
${fact('Runbook responder', env.operations.responderDryRun ? 'dry run (decides and notifies, changes nothing)' : 'acts')}
${fact('AWS Config recorder', env.operations.configRecorder ? "cityplan's (config.recorder: true)" : "the account's own")}
${fact('GuardDuty', env.operations.guardduty ? "cityplan's (guardduty: true)" : "the account's own")}
${fact('Monthly cost', `${money(env.monthly)}${costHint(env)}`)}
</dl>
<h3>Load balancer shards</h3>
${env.shards.length === 0 ? `<p>No load balancer: ${e(env.name)} has no web service.</p>` : shardTable(env)}
<h3>Services</h3>
${serviceTable(env)}
</section>`;
}

/** Beside the environment's cost: what the figure is, or why there is none (the service rows show '—' too). */
function costHint(env: ReportEnvironment): string {
  if (env.monthly !== undefined) return ' (US dollars, estimate)';
  if (env.unpriced) return ` <span class="hint">(not estimated: ${e(env.unpriced)})</span>`;
  return ' <span class="hint">(no estimate given)</span>';
}

/** Text first (what a screen reader and a colour-blind reader get), the bar beside it hidden from assistive technology. */
function usage(u: Usage): string {
  const percent = u.limit > 0 ? Math.round((u.used / u.limit) * 100) : 0;
  return `${u.used} of ${u.limit} (${percent}%)<span class="bar" aria-hidden="true"><span style="width:${Math.min(100, percent)}%"></span></span>`;
}

function shardTable(env: ReportEnvironment): string {
  const row = (s: ReportShard) =>
    `<tr><th scope="row">Shard ${s.id}</th><td>${usage(s.services)}</td><td>${usage(s.targetGroups)}</td><td>${usage(s.rules)}</td><td>${usage(s.certificates)}</td></tr>`;
  return scroll(
    `Load balancer shards of ${env.name}`,
    `<table>
<caption>How full each load balancer shard of ${e(env.name)} is, against its limit</caption>
<thead><tr><th scope="col">Shard</th><th scope="col">Services</th><th scope="col">Target groups</th><th scope="col">Listener rules</th><th scope="col">Certificate slots</th></tr></thead>
<tbody>
${env.shards.map(row).join('\n')}
</tbody>
</table>`,
  );
}

/** A table wrapped so that it scrolls sideways on a narrow screen, reachable and scrollable by keyboard. */
function scroll(label: string, table: string): string {
  return `<div class="scroll" role="region" aria-label="${e(label)}" tabindex="0">${table}</div>`;
}

/** A list in a cell: nothing as an em dash (said "none"), one item plainly, more as a list. */
function list<T = string>(items: readonly T[], item: (x: T) => string = (x) => e(String(x))): string {
  if (items.length === 0) return '<span aria-hidden="true">—</span><span class="visually-hidden">none</span>';
  if (items.length === 1) return item(items[0]!);
  return `<ul>${items.map((x) => `<li>${item(x)}</li>`).join('')}</ul>`;
}

/** A long list folded behind its count: alarms and runbooks run to a dozen names a service. */
function folded(items: readonly string[], noun: string): string {
  if (items.length === 0) return list(items);
  return `<details><summary>${items.length} ${noun}${items.length === 1 ? '' : 's'}</summary><ul>${items.map((x) => `<li>${e(x)}</li>`).join('')}</ul></details>`;
}

function link(url: string): string {
  const href = safeHref(url);
  return href ? `<a href="${href}">${e(url)}</a>` : e(url);
}

function serviceRow(s: ReportService): string {
  const policy = `${s.findings.unacknowledged > 0 ? `<span class="open">${s.findings.unacknowledged} unacknowledged</span>` : '0 unacknowledged'}, ${s.findings.acknowledged} acknowledged`;
  return `<tr data-service="${e(s.name)}" data-kind="${e(s.kind)}" data-owner="${e(s.owner ?? '')}">
<th scope="row">${e(s.name)}</th><td>${e(s.kind)}</td><td>${s.owner ? e(s.owner) : list([])}</td><td class="urls">${list(s.urls, link)}</td><td>${list(s.addons)}</td><td>${list(s.calls)}</td><td>${list(s.calledBy)}</td><td>${folded(s.alarms, 'alarm')}</td><td>${folded(s.runbooks, 'runbook')}</td><td class="num">${money(s.monthly)}</td><td>${policy}</td></tr>`;
}

function serviceTable(env: ReportEnvironment): string {
  if (env.services.length === 0) return `<p>No services in ${e(env.name)}.</p>`;
  const columns = ['Service', 'Kind', 'Owner', 'URLs', 'Data stores and queues', 'Calls', 'Called by', 'Alarms', 'Runbooks enabled', 'Monthly cost (USD)', 'Policy findings'];
  return scroll(
    `Services in ${env.name}`,
    `<table class="services">
<caption>Services in ${e(env.name)}</caption>
<thead><tr>${columns.map((c) => `<th scope="col">${c}</th>`).join('')}</tr></thead>
<tbody>
${env.services.map(serviceRow).join('\n')}
<tr class="none" hidden><td colspan="${columns.length}">No service in ${e(env.name)} matches the filters.</td></tr>
</tbody>
</table>`,
  );
}

function diagramSection(env: ReportEnvironment): string {
  const { svg, summary } = environmentDiagram(env);
  return `<section aria-labelledby="diagram">
<h2 id="diagram">Diagram of ${e(env.name)}</h2>
<p>${e(summary)}</p>
<div class="scroll" role="region" aria-label="Diagram of ${e(env.name)}" tabindex="0">
${svg}
</div>
</section>`;
}

function policySection(model: ReportModel): string {
  const rule = (r: { rule: string; unacknowledged: number; acknowledged: number }) =>
    `${e(r.rule)}${r.unacknowledged > 0 ? `: <span class="open">${r.unacknowledged} unacknowledged</span>` : ''}${r.acknowledged > 0 ? `: ${r.acknowledged} acknowledged` : ''}`;
  const rows = model.principles.map(
    (p) =>
      `<tr><th scope="row">${p.number}. ${e(p.name)}</th><td>${list(p.plan, rule)}</td><td>${list(p.configRules)}</td><td>${p.note ? e(p.note) : list([])}</td></tr>`,
  );
  return `<section aria-labelledby="policy">
<h2 id="policy">NCSC Cloud Security Principles</h2>
<p>Each principle with the plan-time rules that check it (and this estate's findings under each) and the AWS Config rules that check it at run time, as <code>cityplan policy</code> shows them. Plan: ${findings(model.findings)}.</p>
${scroll(
  'NCSC Cloud Security Principles',
  `<table>
<caption>NCSC Cloud Security Principles and the checks that cover them</caption>
<thead><tr><th scope="col">Principle</th><th scope="col">Plan-time rules</th><th scope="col">Run-time AWS Config rules</th><th scope="col">Note</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`,
)}
</section>`;
}
