/** `cityplan report`: exit status, what it writes and when it writes nothing. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { estimateCost } from '../../src/cost/estimate';
import { allocateEstate } from '../../src/estate/allocation';
import { readLock } from '../../src/estate/lock';
import { loadEstate } from '../../src/manifest/load';
import { copyExample } from '../support/estate-files';
import { scratchFolders } from '../support/scratch';

const scratch = scratchFolders('cityplan-report-cli-');

async function cityplan(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}

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
    const { code, stderr } = await cityplan('report', dir, '--out', out, '--diagram-env', 'prod');
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean production?');
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
});
