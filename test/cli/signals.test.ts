/**
 * Interrupting a plan, for real: the built command (bin/cityplan.js, dist/; `npm test` builds it
 * first) in a child process, sent a signal while it synthesizes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { lockTempPath } from '../../src/estate/lock';
import { copyExample } from '../support/estate-files';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` holds, polling; fails after a minute. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (const start = Date.now(); !check(); await sleep(20)) {
    if (Date.now() - start > 60_000) throw new Error(`gave up waiting for ${what}`);
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Starts `cityplan plan dir --out out`; stderr collected in `stderr()`. */
function startPlan(dir: string, out: string, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['bin/cityplan.js', 'plan', dir, '--out', out], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  return { child, stderr: () => stderr, partial: `${out}.partial-${child.pid}` };
}

/** A process id that was in use a moment ago and is no longer. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('an interrupted plan', () => {
  it('removes its partial assembly on Ctrl-C (SIGINT), exits 130, and changes nothing', async () => {
    const dir = copyExample();
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const out = join(mkdtempSync(join(tmpdir(), 'cityplan-signal-')), 'cdk.out');
    const plan = startPlan(dir, out, { CITYPLAN_WORKERS: '0' });
    const done = exited(plan.child);

    // WHEN the plan is interrupted while it synthesizes (in this thread: the handler runs once
    // synthesis hands back the event loop, before anything is replaced)
    await until(() => existsSync(plan.partial), 'the partial assembly');
    plan.child.kill('SIGINT');

    // THEN
    expect(await done).toEqual({ code: 130, signal: null });
    expect(plan.stderr()).toContain('cityplan: interrupted (SIGINT)');
    expect(readdirSync(join(out, '..'))).toEqual([]);
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
  });

  it('stops its builder at once on Ctrl-C while it builds, removes what it wrote, and exits 130', async () => {
    // GIVEN a plan of fewer stacks than take a pool of workers: its builder thread builds them
    const dir = copyExample();
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const out = join(mkdtempSync(join(tmpdir(), 'cityplan-signal-')), 'cdk.out');
    const env: NodeJS.ProcessEnv = { ...process.env, CITYPLAN_TIMINGS: '1' };
    delete env.CITYPLAN_WORKERS;
    const child = spawn(process.execPath, ['bin/cityplan.js', 'plan', dir, '--out', out, '--no-cache'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.resume();
    const done = exited(child);

    // WHEN it is interrupted once the plan's thread has handed the stacks over
    await until(() => stderr.includes('cityplan:timing cache:'), 'the stacks handed to the builder');
    const sent = Date.now();
    child.kill('SIGINT');

    // THEN at once, not once the builder is done; nothing written, nothing changed
    expect(await done).toEqual({ code: 130, signal: null });
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(stderr).toContain('cityplan: interrupted (SIGINT)');
    expect(stderr).not.toContain('cityplan:timing builder:');
    expect(readdirSync(join(out, '..'))).toEqual([]);
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
  });

  it('stops its synthesis workers at once on SIGTERM, removes what they wrote, and exits 143', async () => {
    const dir = copyExample();
    const out = join(mkdtempSync(join(tmpdir(), 'cityplan-signal-')), 'cdk.out');
    const plan = startPlan(dir, out, { CITYPLAN_WORKERS: '2' });
    const done = exited(plan.child);
    await until(() => existsSync(plan.partial), 'the partial assembly');
    // Give the workers time to start writing into it.
    await sleep(500);

    const sent = Date.now();
    plan.child.kill('SIGTERM');

    expect(await done).toEqual({ code: 143, signal: null });
    // Not kept alive by the workers until they finish (each takes seconds to load the CDK alone).
    expect(Date.now() - sent).toBeLessThan(5_000);
    expect(plan.stderr()).toContain('cityplan: interrupted (SIGTERM)');
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });
});

describe('the next plan', () => {
  it('removes what killed plans left, and leaves what a running plan is making', async () => {
    // GIVEN a partial assembly and a lock temp file of a process that is gone, a replaced assembly
    // it did not get to remove, and a partial assembly of a plan still running (its process alive)
    const dir = copyExample();
    rmSync(join(dir, 'cityplan.lock.json'));
    const parent = mkdtempSync(join(tmpdir(), 'cityplan-leftovers-'));
    const out = join(parent, 'cdk.out');
    const dead = deadPid();
    const running = process.ppid;
    for (const name of [`cdk.out.partial-${dead}`, `cdk.out.partial-${dead}.old`, `cdk.out.partial-${running}`, 'cdk.out.partial-notes']) {
      mkdirSync(join(parent, name, 'assembly-justice'), { recursive: true });
    }
    writeFileSync(lockTempPath(dir, dead), '{}');
    writeFileSync(lockTempPath(dir, running), '{}');

    // WHEN a plan runs
    expect(await main(['node', 'cityplan', 'plan', dir, '--out', out], { out: () => {}, err: () => {} })).toBe(0);

    // THEN what the gone process left is removed; the running one's, and what is not cityplan's, stay
    expect(readdirSync(parent).sort()).toEqual(['cdk.out', `cdk.out.partial-${running}`, 'cdk.out.partial-notes']);
    expect(existsSync(lockTempPath(dir, dead))).toBe(false);
    expect(existsSync(lockTempPath(dir, running))).toBe(true);
    expect(existsSync(join(dir, 'cityplan.lock.json'))).toBe(true);
  });
});
