/**
 * The report in a real browser (Debian's headless Chromium through playwright-core): it loads from
 * a file with no console error and no network request, lists every service, filters by text, kind
 * and owner with a live count, is usable by keyboard, works without JavaScript and fits 320 px.
 * One browser for the file, one page reused. Leaves test-results/report.png (git-ignored).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel } from '../../src/report/build';
import type { ReportModel } from '../../src/report/model';
import { renderReport } from '../../src/report/page';
import { copyExample, mixedEstateFiles, writeEstate } from '../support/estate-files';
import { environment, hostileModel, model as reportOf, service } from '../support/report-model';
import { scratchFolders } from '../support/scratch';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = 'test-results/report.png';
const scratch = scratchFolders('cityplan-report-browser-');

/** Owners of the generated estate's services: three teams, so that the owner filter has a choice. */
const OWNERS = ['cases@example.gov.uk', 'money@example.gov.uk', 'visits@example.gov.uk'];

let browser: Browser;
let page: Page;
let generated: { model: ReportModel; url: string };
let example: { model: ReportModel; url: string };
/** Every request the page made, and what it logged as an error. */
const requests: string[] = [];
const errors: string[] = [];

async function report(dir: string): Promise<{ model: ReportModel; url: string }> {
  const model = await buildReportModel(dir);
  const file = join(scratch(), 'report.html');
  writeFileSync(file, renderReport(model));
  return { model, url: pathToFileURL(file).href };
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the report's browser test needs Debian's chromium (sudo apt-get install -y --no-install-recommends chromium)`);
  }
  const files = mixedEstateFiles(30, 1);
  Object.keys(files)
    .filter((f) => f.startsWith('services/'))
    .sort()
    .forEach((f, i) => (files[f] = files[f]!.replace('owner: team@example.gov.uk', `owner: ${OWNERS[i % OWNERS.length]}`)));
  generated = await report(writeEstate(files));
  example = await report(copyExample());
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(30_000);
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  // Anything but the file itself is refused, so a request cannot succeed unnoticed; it is still recorded.
  await page.route(/^(?!file:)/, (route) => route.abort());
}, 600_000);

afterAll(async () => {
  await browser?.close();
});

/** Names of the service rows shown, in page order. */
const shownRows = () => page.locator('tr[data-service]:visible').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')));
const count = () => page.locator('#count');

describe('the report in a browser', () => {
  it('loads from a file with no console error and no request beyond the file, listing every service', async () => {
    for (const r of [example, generated]) {
      requests.length = 0;
      await page.goto(r.url);
      expect(requests).toEqual([r.url]);
      expect(errors).toEqual([]);
      const all = r.model.environments.flatMap((e) => e.services.map((s) => s.name));
      expect(await shownRows()).toEqual(all);
      await expect.poll(() => count().textContent()).toBe(`${all.length} of ${all.length} services shown`);
    }
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('filters by search text, kind and owner, saying how many are shown in a live region', async () => {
    await page.goto(generated.url);
    const services = generated.model.environments[0]!.services;
    expect(services).toHaveLength(30);
    expect(await count().getAttribute('role')).toBe('status');

    await page.getByLabel('Search by name, owner or kind').fill('service-001');
    expect(await shownRows()).toEqual(services.filter((s) => s.name.includes('service-001')).map((s) => s.name));
    await expect.poll(() => count().textContent()).toBe('10 of 30 services shown');

    // By owner, also through the search box.
    await page.getByLabel('Search by name, owner or kind').fill('money@');
    const money = services.filter((s) => s.owner === OWNERS[1]).map((s) => s.name);
    expect(await shownRows()).toEqual(money);
    await page.getByLabel('Search by name, owner or kind').fill('');

    await page.getByLabel('Kind', { exact: true }).selectOption('backend');
    const backends = services.filter((s) => s.kind === 'backend').map((s) => s.name);
    expect(backends.length).toBeGreaterThan(0);
    expect(await shownRows()).toEqual(backends);
    await expect.poll(() => count().textContent()).toBe(`${backends.length} of 30 services shown`);

    await page.getByLabel('Owner', { exact: true }).selectOption(OWNERS[0]!);
    const both = services.filter((s) => s.kind === 'backend' && s.owner === OWNERS[0]).map((s) => s.name);
    expect(await shownRows()).toEqual(both);
    await expect.poll(() => count().textContent()).toBe(`${both.length} of 30 services shown`);

    // Nothing matches: the table says so rather than showing an empty body.
    await page.getByLabel('Search by name, owner or kind').fill('no-such-service');
    expect(await shownRows()).toEqual([]);
    await expect.poll(() => count().textContent()).toBe('0 of 30 services shown');
    expect(await page.locator('tr.none').isVisible()).toBe(true);
  });

  it('is used by keyboard: the skip link first, then the search box', async () => {
    await page.goto(example.url);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to main content');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('filter-text');
    await page.keyboard.type('court');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('filter-kind');
    expect(await shownRows()).toEqual(example.model.environments.flatMap((e) => e.services.filter((s) => s.name.includes('court')).map((s) => s.name)));
    // Focus is visible: the focused control has the yellow outline (tsconfig has no DOM types, hence the string).
    expect(await page.evaluate('getComputedStyle(document.activeElement).outlineColor')).toBe('rgb(255, 221, 0)');
  });

  it('fits a 320 px wide viewport without the page scrolling sideways', async () => {
    await page.setViewportSize({ width: 320, height: 800 });
    try {
      await page.goto(generated.url);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(320);
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows every service and no filter without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await context.newPage();
      await plain.route(/^(?!file:)/, (route) => route.abort());
      await plain.goto(generated.url);
      expect(await plain.locator('tr[data-service]:visible').count()).toBe(30);
      expect(await plain.locator('#filter-text').isVisible()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('runs nothing that came from the estate: hostile owners, URLs and notes stay text', async () => {
    const file = join(scratch(), 'hostile.html');
    writeFileSync(file, renderReport(hostileModel()));
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    requests.length = 0;
    await page.goto(pathToFileURL(file).href);
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.locator('img').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it("keeps every diagram label inside its box, long and wide names cut with an ellipsis", async () => {
    const long = ['court-case-notifications-for-the-crown-and-magistrates-courts', 'WWW-MMM-wide-letters-MMMMMMMMMMMMMMMMMMMMMMMM', 'web-2', 'web-10'];
    const services = long.map((name) => service(name, { addons: ['postgres small', 'FIFO queue'], calls: ['api-with-a-long-name-of-many-many-letters'] }));
    const file = join(scratch(), 'labels.html');
    writeFileSync(file, renderReport(reportOf([environment('staging', [...services, service('api-with-a-long-name-of-many-many-letters', { kind: 'backend', shard: undefined })])])));
    await page.goto(pathToFileURL(file).href);
    const boxes = await page.locator('#diagram ~ div svg g').evaluateAll((gs) =>
      gs.map((g) => ({ title: g.querySelector('title')!.textContent, text: g.querySelector('text')!.textContent, room: Number(g.querySelector('rect')!.getAttribute('width')) - 8, used: (g.querySelector('text') as unknown as { getComputedTextLength(): number }).getComputedTextLength() })),
    );
    expect(boxes.filter((b) => b.text!.endsWith('…')).length).toBeGreaterThan(4);
    for (const b of boxes) expect(b.used, b.title!).toBeLessThanOrEqual(b.room);
  });
});
