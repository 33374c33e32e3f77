/**
 * The report's diagram of one environment as inline SVG: the internet, its load-balancer shards,
 * the web services on each, the backends they call, and the data stores and queues those keep.
 * Laid out in columns, each in natural order of names (web-2 before web-10), so the same plan always draws the same picture; a large
 * estate is cut to a few services per shard and a few shards, each cut said as "+N more".
 */
import { escapeHtml } from './escape';
import type { ReportEnvironment, ReportService } from './model';
import { byName, naturalOrder } from './order';

/** Web services drawn per shard: beyond this, one "+N more" box says how many are left out. */
export const SERVICES_PER_SHARD_DRAWN = 5;
/** Shards drawn; beyond this, one "+N more shards" box. */
export const SHARDS_DRAWN = 6;
/** Backends drawn, and addon boxes drawn: a cap each, "+N more" beyond. */
export const BACKENDS_DRAWN = 12;
export const ADDONS_DRAWN = 16;

const ROW = 40;
const BOX_H = 30;
const TOP = 40;
/** Column left edges and widths, px. */
const COLUMNS = {
  internet: { x: 10, w: 100, title: 'Internet' },
  shards: { x: 150, w: 130, title: 'Load balancers' },
  web: { x: 320, w: 210, title: 'Web services' },
  backends: { x: 570, w: 210, title: 'Backends (calls)' },
  addons: { x: 820, w: 290, title: 'Data stores and queues' },
} as const;
const WIDTH = 1120;
/** Room for a label in a box of width `w`: 8 px padding each side. */
const room = (w: number) => w - 16;

/**
 * Advance widths at the diagram's 13 px, px per character, by group: measured in headless Chromium
 * with DejaVu Sans (the sans-serif Debian falls back to, and the widest face in the page's font
 * stack: Segoe UI, Roboto and Arial are narrower), each group's widest. Anything else (accented
 * and other non-ASCII letters) counts as the widest, 13 px.
 */
const WIDTHS: ReadonlyArray<readonly [number, string]> = [
  [5.2, " !',-./:;IJ[\\]fijlrt()|·"],
  [7.2, '"*_`?csz'],
  [8.3, '0123456789$abdeghknopquvxy{}EFLPSTY'],
  [9.3, 'ABCKRVXZ'],
  [10.3, 'DGHNOQU&'],
  [10.9, '#+<=>^~w'],
];
const ELLIPSIS = '…';
const WIDEST = 13;
const widthOf = new Map(WIDTHS.flatMap(([w, chars]) => [...chars].map((c) => [c, w] as const)));

/** The label's width at 13 px, px, by WIDTHS: at least what Chromium draws with any font the page names. */
export function labelWidth(label: string): number {
  return [...label].reduce((n, c) => n + (widthOf.get(c) ?? WIDEST), 0);
}

/**
 * The label as drawn in `px`: whole, or cut and ended with an ellipsis so that it stays inside its
 * box (the full label is the box's <title>, shown on hover and read by screen readers).
 */
export function fitLabel(label: string, px: number): string {
  if (labelWidth(label) <= px) return label;
  let text = '';
  let used = labelWidth(ELLIPSIS);
  for (const c of label) {
    used += widthOf.get(c) ?? WIDEST;
    if (used > px) break;
    text += c;
  }
  return `${text.trimEnd()}${ELLIPSIS}`;
}

interface Box {
  readonly key: string;
  readonly column: keyof typeof COLUMNS;
  readonly row: number;
  readonly label: string;
  /** A "+N more" box: drawn dashed. */
  readonly more?: boolean;
}

/** The SVG (with its title and description) and a sentence saying what was left out, if anything. */
export interface Diagram {
  readonly svg: string;
  readonly summary: string;
}

/** Draws `env`. Pure and deterministic. */
export function environmentDiagram(env: ReportEnvironment): Diagram {
  const serviceNamed = new Map(env.services.map((s) => [s.name, s]));
  const boxes: Box[] = [];
  const edges: Array<[string, string]> = [];
  const left: string[] = [];

  // Load balancers and the web services on each, one column each, row by row.
  let row = 0;
  const shards = [...env.shards].sort((a, b) => a.id - b.id);
  const drawnShards = shards.slice(0, SHARDS_DRAWN);
  const drawnWeb: ReportService[] = [];
  boxes.push({ key: 'internet', column: 'internet', row: 0, label: 'Internet' });
  for (const shard of drawnShards) {
    const key = `shard:${shard.id}`;
    boxes.push({ key, column: 'shards', row, label: `ALB shard ${shard.id}` });
    edges.push(['internet', key]);
    const web = env.services.filter((s) => s.kind === 'web' && s.shard === shard.id).sort(byName);
    const shown = web.slice(0, SERVICES_PER_SHARD_DRAWN);
    for (const s of shown) {
      boxes.push({ key: `svc:${s.name}`, column: 'web', row: row++, label: s.name });
      edges.push([key, `svc:${s.name}`]);
      drawnWeb.push(s);
    }
    if (web.length > shown.length) {
      boxes.push({ key: `more:${key}`, column: 'web', row: row++, label: `+${web.length - shown.length} more`, more: true });
      edges.push([key, `more:${key}`]);
      left.push(`${web.length - shown.length} web services of shard ${shard.id}`);
    }
    if (shown.length === 0 && web.length === 0) row++;
  }
  if (shards.length > drawnShards.length) {
    boxes.push({ key: 'more:shards', column: 'shards', row: row++, label: `+${shards.length - drawnShards.length} more shards`, more: true });
    edges.push(['internet', 'more:shards']);
    left.push(`${shards.length - drawnShards.length} shards`);
  }

  // Backends reached from the drawn web services through `calls`, breadth first, then by name.
  const reached: ReportService[] = [];
  const seen = new Set<string>();
  let frontier = drawnWeb;
  while (frontier.length > 0) {
    const next = [...new Set(frontier.flatMap((s) => s.calls))]
      .filter((n) => !seen.has(n) && serviceNamed.get(n)?.kind === 'backend')
      .sort(naturalOrder);
    for (const n of next) seen.add(n);
    const found = next.map((n) => serviceNamed.get(n)!);
    reached.push(...found);
    frontier = found;
  }
  const drawnBackends = reached.slice(0, BACKENDS_DRAWN);
  drawnBackends.forEach((s, i) => boxes.push({ key: `svc:${s.name}`, column: 'backends', row: i, label: s.name }));
  if (reached.length > drawnBackends.length) {
    boxes.push({ key: 'more:backends', column: 'backends', row: drawnBackends.length, label: `+${reached.length - drawnBackends.length} more`, more: true });
    left.push(`${reached.length - drawnBackends.length} backends`);
  }
  const drawn = new Set(boxes.map((b) => b.key));
  for (const s of [...drawnWeb, ...drawnBackends]) {
    for (const c of s.calls) if (drawn.has(`svc:${c}`) && serviceNamed.get(c)?.kind === 'backend') edges.push([`svc:${s.name}`, `svc:${c}`]);
  }

  // What the drawn services keep.
  const addons = [...drawnWeb, ...drawnBackends].flatMap((s) => s.addons.map((a) => ({ service: s.name, addon: a })));
  const drawnAddons = addons.slice(0, ADDONS_DRAWN);
  drawnAddons.forEach((a, i) => {
    const key = `addon:${a.service}:${a.addon}`;
    boxes.push({ key, column: 'addons', row: i, label: `${a.addon} · ${a.service}` });
    edges.push([`svc:${a.service}`, key]);
  });
  if (addons.length > drawnAddons.length) {
    boxes.push({ key: 'more:addons', column: 'addons', row: drawnAddons.length, label: `+${addons.length - drawnAddons.length} more`, more: true });
    left.push(`${addons.length - drawnAddons.length} data stores and queues`);
  }

  const rows = Math.max(1, ...boxes.map((b) => b.row + 1));
  const height = TOP + rows * ROW + 10;
  const at = new Map(boxes.map((b) => [b.key, b]));
  const y = (b: Box) => TOP + b.row * ROW;
  const lines = edges.map(([from, to]) => {
    const a = at.get(from)!;
    const b = at.get(to)!;
    const [x1, y1] = [COLUMNS[a.column].x + COLUMNS[a.column].w, y(a) + BOX_H / 2];
    const [x2, y2] = [COLUMNS[b.column].x, y(b) + BOX_H / 2];
    const mid = (x1 + x2) / 2;
    return `<path d="M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2 - 4} ${y2}" class="edge" marker-end="url(#arrow)"/>`;
  });
  const headings = Object.values(COLUMNS).map((c) => `<text x="${c.x}" y="20" class="col">${escapeHtml(c.title)}</text>`);
  const drawnBoxes = boxes.map((b) => {
    const c = COLUMNS[b.column];
    const text = fitLabel(b.label, room(c.w));
    return (
      `<g><title>${escapeHtml(b.label)}</title>` +
      `<rect x="${c.x}" y="${y(b)}" width="${c.w}" height="${BOX_H}" rx="3" class="${b.more ? 'box more' : `box ${b.column}`}"/>` +
      `<text x="${c.x + 8}" y="${y(b) + 20}">${escapeHtml(text)}</text></g>`
    );
  });
  const webCount = env.services.filter((s) => s.kind === 'web').length;
  const summary =
    `Environment ${env.name}: ${shards.length} load balancer shard${shards.length === 1 ? '' : 's'}, ${drawnWeb.length} of ${webCount} web services, ` +
    `${plural(drawnBackends.length, 'backend')} they call and ${drawnAddons.length} of ${addons.length} data stores and queues they keep drawn` +
    (left.length > 0 ? `; left out: ${left.join(', ')} (the tables list every one).` : '.');
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="diagram-title diagram-desc">`,
    `<title id="diagram-title">How requests reach the services of ${escapeHtml(env.name)}</title>`,
    `<desc id="diagram-desc">${escapeHtml(summary)}</desc>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="#505a5f"/></marker></defs>',
    ...headings,
    ...lines,
    ...drawnBoxes,
    '</svg>',
  ].join('\n');
  return { svg, summary };
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
