/** The report page: escaping of every value, its structure for assistive technology, and the diagram's layout. */
import { describe, expect, it } from 'vitest';
import { environmentDiagram, fitLabel, labelWidth, SERVICES_PER_SHARD_DRAWN } from '../../src/report/diagram';
import { escapeHtml, safeHref } from '../../src/report/escape';
import { renderReport } from '../../src/report/page';
import { environment, HOSTILE, hostileModel, model, service } from '../support/report-model';

describe('escaping', () => {
  it('replaces the characters that end an element or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref(' https://x')).toBeUndefined();
    expect(safeHref('https://x.gov.uk/?a=1&b="2"')).toBe('https://x.gov.uk/?a=1&amp;b=&quot;2&quot;');
  });

  it('lets no hostile owner, URL, addon, alarm, domain or policy text into the page as markup', () => {
    const html = renderReport(hostileModel());
    // The page's own script is the only one; no element or attribute came from the values.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('onerror="');
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).toContain(escapeHtml(HOSTILE));
    // In the filter's owner option and the row's data attribute, escaped once (no double escaping).
    expect(html).toContain(`<option value="${escapeHtml(HOSTILE)}">`);
    expect(html).toContain(`data-owner="${escapeHtml(HOSTILE)}"`);
    expect(html).not.toContain('&amp;amp;amp;');
    // A non-https address is shown as text, not as a link.
    expect(html).toContain('javascript:alert(3)');
    expect(html).not.toContain('href="http://backend-one');
  });
});

describe('page structure', () => {
  const html = renderReport(model([environment('staging', [service('a-web'), service('b-job', { kind: 'job', owner: undefined, urls: [], shard: undefined })])]));

  it('is one English page with one h1, headings in order, a skip link first and nothing fetched', () => {
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(html.match(/<h1[ >]/g)).toHaveLength(1);
    const levels = [...html.matchAll(/<h([1-6])[ >]/g)].map((m) => Number(m[1]));
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
    expect(html.indexOf('class="skip"')).toBeLessThan(html.indexOf('<a ', html.indexOf('class="skip"') + 1));
    // Nothing that a browser would fetch: no src, no stylesheet link, no url() but to a fragment of the page (the arrow marker).
    expect(html).not.toMatch(/\ssrc=|<link\b|url\((?!#)|@import/i);
  });

  it('labels every control, captions every table and scopes every header cell', () => {
    for (const id of [...html.matchAll(/<(?:input|select)[^>]*\bid="([^"]+)"/g)].map((m) => m[1])) expect(html).toContain(`<label for="${id}">`);
    expect(html.match(/<table/g)!.length).toBe(html.match(/<caption>/g)!.length);
    expect(html.match(/<th(?![^>]*scope=)[ >]/g)).toBeNull();
  });

  it("shows a cost or an em dash with words for a screen reader, and a shard's use as text beside its bar", () => {
    expect(html).toContain('<span aria-hidden="true">—</span><span class="visually-hidden">no estimate</span>');
    const costed = renderReport(model([environment('staging', [service('a-web', { monthly: 1234.5 })], { monthly: 99 })]));
    expect(costed).toContain('$1,234.50');
    expect(costed).toContain('$99.00');
    expect(html).toContain('2 of 95 (2%)<span class="bar" aria-hidden="true">');
  });
});

describe('diagram', () => {
  const many = Array.from({ length: 12 }, (_, i) => service(`web-${String(i).padStart(2, '0')}`, { calls: ['api'], addons: i === 0 ? ['cache'] : [] }));
  const api = service('api', { kind: 'backend', shard: undefined, addons: ['postgres small'] });

  it('draws a few services per shard and says how many more there are', () => {
    const { svg, summary } = environmentDiagram(environment('staging', [...many, api]));
    expect(svg).toContain(`+${12 - SERVICES_PER_SHARD_DRAWN} more`);
    expect((svg.match(/<rect/g) ?? []).length).toBe(1 + 1 + SERVICES_PER_SHARD_DRAWN + 1 + 1 + 2);
    expect(summary).toContain(`left out: ${12 - SERVICES_PER_SHARD_DRAWN} web services of shard 0`);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="diagram-title">');
  });

  it('draws the same picture whatever order the services come in', () => {
    const a = environmentDiagram(environment('staging', [...many, api])).svg;
    const b = environmentDiagram(environment('staging', [api, ...[...many].reverse()])).svg;
    expect(b).toBe(a);
  });

  it('draws numbered names in natural order: web-2 before web-10, and backends the same', () => {
    const web = ['web-10', 'web-2', 'web-1'].map((n) => service(n, { calls: ['api-10', 'api-9'] }));
    const apis = ['api-10', 'api-9'].map((n) => service(n, { kind: 'backend', shard: undefined }));
    const { svg } = environmentDiagram(environment('staging', [...web, ...apis]));
    const at = (name: string) => svg.indexOf(`<title>${name}</title>`);
    expect(at('web-1')).toBeGreaterThan(0);
    expect(at('web-1')).toBeLessThan(at('web-2'));
    expect(at('web-2')).toBeLessThan(at('web-10'));
    expect(at('api-9')).toBeLessThan(at('api-10'));
  });

  it('cuts a long data-store label with an ellipsis to fit its box, the full label in its <title>', () => {
    const name = 'court-case-notifications-for-the-crown-and-magistrates-courts';
    const { svg } = environmentDiagram(environment('staging', [service(name, { addons: ['postgres small'] })]));
    const full = `postgres small · ${name}`;
    const box = svg.slice(svg.indexOf(`<g><title>${full}</title>`));
    expect(box).not.toBe(svg);
    const width = Number(/width="(\d+)"/.exec(box)![1]);
    const drawn = /<text[^>]*>([^<]*)<\/text>/.exec(box)![1]!;
    expect(drawn.endsWith('…')).toBe(true);
    expect(full.startsWith(drawn.slice(0, -1))).toBe(true);
    expect(labelWidth(drawn)).toBeLessThanOrEqual(width - 16);
  });

  it('fits labels by width, not by count: wide letters are cut sooner than narrow ones, and a label that fits is whole', () => {
    const wide = fitLabel('M'.repeat(60), 274);
    const narrow = fitLabel('i'.repeat(60), 274);
    expect(wide.length).toBeLessThan(narrow.length);
    expect(labelWidth(wide)).toBeLessThanOrEqual(274);
    expect(labelWidth(narrow)).toBeLessThanOrEqual(274);
    expect(fitLabel('queue · find-a-court', 274)).toBe('queue · find-a-court');
  });
});
