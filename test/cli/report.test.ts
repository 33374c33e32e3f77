/** `cityplan report`: exit status, what it writes and when it writes nothing. */
import { type Dirent, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { estimateCost } from '../../src/cost/estimate';
import { allocateEstate } from '../../src/estate/allocation';
import { readLock } from '../../src/estate/lock';
import { loadEstate } from '../../src/manifest/load';
import { copyExample } from '../support/estate-files';
import { scratchFolders } from '../support/scratch';

const scratch = scratchFolders('cityplan-report-cli-');

describe('cityplan report', () => {
  it('writes the page, says where on stdout and its progress on stderr, and leaves no temp file', async () => {
    const dir = copyExample();
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const outDir = scratch();
    const out = join(outDir, 'report.html');
    const { code, stdout, stderr } = await cityplan('report', dir, '--out', out, '--diagram-env', 'production');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(`report written to ${out}`);
    expect(stderr).toContain('planning estate');
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<h1>Estate justice</h1>');
    expect(html).toContain('<h2 id="diagram">Diagram of production</h2>');
    expect(readdirSync(outDir)).toEqual(['report.html']);
    // Each environment's monthly estimate is the cost command's.
    const spec = loadEstate(dir);
    const estimate = estimateCost(spec, allocateEstate(spec, readLock(dir).lock).environments);
    for (const env of estimate.environments) expect(html).toContain(`$${env.monthly.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    // A committed, current lock stays as it was.
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
  });

  it('is a usage error (2) without --out or with an unknown diagram environment, and writes nothing', async () => {
    const dir = copyExample();
    expect((await cityplan('report', dir)).code).toBe(2);
    const out = join(scratch(), 'report.html');
    // A new service: a plan would place it and so rewrite the lock.
    writeFileSync(join(dir, 'services/new-web.yaml'), readFileSync(join(dir, 'services/find-a-court.yaml'), 'utf8').replaceAll('find-a-court', 'new-web'));
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const { code, stderr } = await cityplan('report', dir, '--out', out, '--diagram-env', 'prod');
    expect(code).toBe(2);
    expect(stderr).toContain("no environment 'prod' in justice; did you mean production?");
    // Checked once the estate is loaded, before planning: nothing planned, the lock as it was.
    expect(stderr).not.toContain('planning estate');
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
    expect(existsSync(out)).toBe(false);
  });

  it('lists the problems of an estate that does not plan (1), and writes nothing', async () => {
    const dir = copyExample();
    const file = join(dir, 'services/find-a-court.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^owner: .*$/m, 'owner: not-an-email'));
    const out = join(scratch(), 'report.html');
    writeFileSync(out, 'the previous report');
    const { code, stdout, stderr } = await cityplan('report', dir, '--out', out);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/services\/find-a-court\.yaml:\d+.*owner/);
    expect(readFileSync(out, 'utf8')).toBe('the previous report');
  });

  it('costs each environment it can: one outside the priced regions shows — and says why in its own section', async () => {
    const dir = copyExample();
    const file = join(dir, 'estate.yaml');
    // Without pipelines: with them, an environment outside the estate's region is refused anyway.
    writeFileSync(file, readFileSync(file, 'utf8').replace('    capacity: spot\n', '    capacity: spot\n    region: eu-west-1\n').replace(/^ {2}repo: .*\n/m, ''));
    const out = join(scratch(), 'report.html');
    const { code, stderr } = await cityplan('report', dir, '--out', out);
    expect(code).toBe(0);
    expect(stderr).toContain('no costs for staging in the report: environment staging is in eu-west-1');
    const html = readFileSync(out, 'utf8');
    const section = (env: string) => html.slice(html.indexOf(`<h2 id="env-${env}">`), html.indexOf('</section>', html.indexOf(`<h2 id="env-${env}">`)));
    const spec = loadEstate(dir);
    const production = estimateCost(spec, allocateEstate(spec, readLock(dir).lock).environments, { environment: 'production' }).environments[0]!;
    const dollars = (n: number) => `$${n.toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    expect(section('production')).toContain(`<dt>Monthly cost</dt><dd>${dollars(production.monthly)} (US dollars, estimate)</dd>`);
    for (const s of production.services) expect(section('production')).toContain(dollars(s.monthly));
    expect(section('staging')).toContain('not estimated: environment staging is in eu-west-1');
    expect(section('staging')).not.toContain('$');
    expect(section('staging')).toContain('<span class="visually-hidden">no estimate</span>');
  });

  // Root writes through chmod here: a file where a folder must be fails the same calls a read-only folder would.
  it('exits 1 naming the path when --out cannot be written, and leaves no temp file', async () => {
    const dir = copyExample();
    const parent = scratch();
    const file = join(parent, 'a-file');
    writeFileSync(file, 'mine');
    const blocked = await cityplan('report', dir, '--out', join(file, 'report.html'));
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain(`cannot write ${join(file, 'report.html')}: a part of the path is a file, not a folder (ENOTDIR)`);
    expect(blocked.stderr).not.toContain('internal error');
    // Found before planning, so no plan ran (nor changed the lock) for nothing.
    expect(blocked.stderr).not.toContain('planning estate');
    const folder = await cityplan('report', dir, '--out', parent);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain(`cannot write ${parent}: a folder is in the way`);
    expect(folder.stderr).not.toContain('planning estate');
    expect(readdirSync(parent)).toEqual(['a-file']);
  });

  it("refuses (2) an --out that is the estate's own file or folder, before planning, and changes none of them", async () => {
    const dir = copyExample();
    mkdirSync(join(dir, '.schema'));
    writeFileSync(join(dir, '.schema/service.schema.json'), '{}');
    const link = join(scratch(), 'lock-link.json');
    symlinkSync(join(dir, 'cityplan.lock.json'), link);
    const before = snapshot(dir);
    for (const out of ['cityplan.lock.json', 'estate.yaml', 'services/find-a-court.yaml', 'services/new.html', 'runbooks/capacity-shortfall.yaml', '.schema/service.schema.json', '.', link]) {
      const path = out.startsWith('/') ? out : join(dir, out);
      const { code, stdout, stderr } = await cityplan('report', dir, '--out', path);
      expect(code, out).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(`--out ${path} is the estate`);
      expect(stderr).toContain("choose a path outside the estate's own files");
      expect(stderr).not.toContain('planning estate');
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

describe("plan, package, deploy, diff and rollback: the estate's own folders as --out", () => {
  it('are refused (2) before anything is written: the assembly or templates would land among the manifests', async () => {
    const dir = copyExample();
    const before = snapshot(dir);
    for (const out of ['runbooks', 'services', 'services/cdk.out', '.schema', '.']) {
      const plan = await cityplan('plan', dir, '--out', join(dir, out));
      expect(plan.code, `plan --out ${out}`).toBe(2);
      expect(plan.stderr).toContain("choose a path outside the estate's own files, such as --out cdk.out");
      const pkg = await cityplan('package', dir, '--service', 'find-a-court', '--env', 'staging', '--image-tag', 'abc', '--out', join(dir, out));
      expect(pkg.code, `package --out ${out}`).toBe(2);
      expect(pkg.stderr).toContain("choose a path outside the estate's own files");
    }
    // The commands that plan before they reach AWS refuse it before asking for credentials.
    for (const args of [['deploy', dir], ['diff', dir], ['rollback', dir, '--service', 'find-a-court', '--env', 'staging']]) {
      const run = await cityplan(...args, '--out', join(dir, 'services'));
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr).toContain("is the estate's own services/ folder");
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

/** Every file below `dir` with its text, to show that nothing in the estate changed. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name), readFileSync(join(e.parentPath, e.name), 'utf8')]),
  );
}
