/**
 * The plan's builder (src/estate/builder.ts): a worker thread, started as a plan begins, that builds
 * the plan's few stacks. Its entry is the built bundle (dist/builder-worker.js; `npm test` builds
 * first), so plans are compared through the built CLI, as users run it.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateEstate } from '../../src/estate/allocation';
import { Builder } from '../../src/estate/builder';
import { emptyLock } from '../../src/estate/lock';
import { planStacks, type StackPlan } from '../../src/estate/stack-plan';
import { synthesizeStacks } from '../../src/estate/synthesize';
import { FileError, fileErrorOf } from '../../src/files/file-error';
import { loadEstate } from '../../src/manifest/load';
import { mixedEstateFiles, writeEstate } from '../support/estate-files';
import { expectSameBytes, tree } from '../support/assembly-files';

const CLI = resolve('bin/cityplan.js');
const SCRIPT = resolve('dist/builder-worker.js');
// The builder starts only where a second core can run it.
const runs = existsSync(SCRIPT) && existsSync(resolve('dist/cli.js')) && availableParallelism() >= 2;

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `cityplan-${name}-`));


/**
 * `cityplan plan <dir> --out <out> --json [...flags]` with CITYPLAN_TIMINGS (which says when the
 * builder built): through the builder, or with `inThread` in the plan's own thread (CITYPLAN_WORKERS=0).
 */
function plan(dir: string, out: string, inThread: boolean, ...flags: string[]): { json: Record<string, unknown>; builder: boolean } {
  const env: NodeJS.ProcessEnv = { ...process.env, CITYPLAN_TIMINGS: '1' };
  if (inThread) env.CITYPLAN_WORKERS = '0';
  else delete env.CITYPLAN_WORKERS;
  const child = spawnSync(process.execPath, [CLI, 'plan', dir, '--out', out, '--json', ...flags], { encoding: 'utf8', env });
  expect(child.status, child.stderr + child.stdout.slice(0, 2000)).toBe(0);
  const { assembly: _, ...json } = JSON.parse(child.stdout) as Record<string, unknown>;
  return { json, builder: /cityplan:timing builder: \d+ stacks built/.test(child.stderr) };
}

const lockOf = (dir: string) => readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');

describe('a plan through the builder', () => {
  // GIVEN an estate of every kind and addon in two environments, planned once (its lock written)
  const dir = writeEstate(mixedEstateFiles(10));

  it.skipIf(!runs)('writes the assembly, lock and plan that building in the plan thread writes', () => {
    plan(dir, join(scratch('first'), 'out'), true, '--no-cache');
    const lock = lockOf(dir);

    // WHEN the whole estate is planned cold in the plan's thread, and cold through the builder
    const ownOut = join(scratch('own'), 'out');
    const own = plan(dir, ownOut, true, '--no-cache');
    const builtOut = join(scratch('builder'), 'out');
    const built = plan(dir, builtOut, false, '--no-cache');

    // THEN the builder built (under 120 stacks: no pool of workers), and wrote the same bytes
    expect(own.builder).toBe(false);
    expect(built.builder).toBe(true);
    expectSameBytes(builtOut, ownOut);
    expect(built.json).toEqual(own.json);
    expect(lockOf(dir)).toBe(lock);
  });

  it.skipIf(!runs)("after one service changed, `plan --service` writes the same assembly and cache entries either way", () => {
    // GIVEN two copies of the estate with a filled cache, one service's task size changed in each
    plan(dir, join(scratch('fill'), 'out'), true);
    const copies = [scratch('own'), scratch('builder')];
    for (const copy of copies) {
      cpSync(dir, copy, { recursive: true });
      const file = join(copy, 'services', 'service-0007.yaml');
      writeFileSync(file, `${readFileSync(file, 'utf8')}cpu: 1024\nmemory: 3072\n`);
    }
    const cacheBefore = new Set(tree(join(dir, '.cityplan', 'cache')).keys());

    // WHEN the service is planned in the plan's thread in one, through the builder in the other
    const outs = copies.map((c) => join(c, 'cdk.out'));
    const own = plan(copies[0]!, outs[0]!, true, '--service', 'service-0007');
    const built = plan(copies[1]!, outs[1]!, false, '--service', 'service-0007');

    // THEN both built its two stacks, to the same bytes, lock, plan and new cache entries
    expect(built.builder).toBe(true);
    expect(built.json.cache).toEqual({ reused: 0, derived: 0, built: 2, standIns: 0 });
    // The lock's path is the copy's own.
    expect({ ...built.json, lock: undefined }).toEqual({ ...own.json, lock: undefined });
    expectSameBytes(outs[1]!, outs[0]!);
    expect(lockOf(copies[1]!)).toBe(lockOf(copies[0]!));
    const entries = copies.map((c) => tree(join(c, '.cityplan', 'cache')));
    expect([...entries[1]!.keys()].filter((k) => !cacheBefore.has(k))).toHaveLength(2);
    expect([...entries[1]!.keys()].sort()).toEqual([...entries[0]!.keys()].sort());
    for (const [file, bytes] of entries[0]!) expect(entries[1]!.get(file)!.equals(bytes), file).toBe(true);
  });

  it.skipIf(!runs)('started for a plan that never builds (a usage error, --help), ends with it', () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CITYPLAN_WORKERS;
    // Within the time the command takes, not the time the builder would take to load and warm up.
    const missing = spawnSync(process.execPath, [CLI, 'plan', join(scratch('none'), 'estate')], { encoding: 'utf8', env, timeout: 30_000 });
    expect(missing.status, missing.stderr).toBe(2);
    const help = spawnSync(process.execPath, [CLI, 'plan', '--help'], { encoding: 'utf8', env, timeout: 30_000 });
    expect(help.status, help.stderr).toBe(0);
  });
});

describe('the builder', () => {
  const dir = writeEstate(mixedEstateFiles(4));
  const spec = loadEstate(dir);
  const { environments: allocation } = allocateEstate(spec, emptyLock());
  const planned = planStacks(spec, allocation, { service: 'service-0003' });

  /** What `act` throws, or undefined. */
  async function thrown(act: () => unknown): Promise<unknown> {
    try {
      await act();
    } catch (e) {
      return e;
    }
    return undefined;
  }

  it.skipIf(!runs)('returns what synthesis in this thread returns', async () => {
    const here = synthesizeStacks(spec, allocation, planned, scratch('here'));
    const builder = Builder.start(SCRIPT)!;
    const out = scratch('builder');
    expect(await builder.build(spec, allocation, planned, out)).toEqual(here);
    expect(readdirSync(out).filter((f) => f.endsWith('.template.json')).sort()).toEqual(planned.map((p) => `${p.name}.template.json`).sort());
  });

  it.skipIf(!runs)('fails on a folder it cannot write to as this thread fails, in the words the command prints', async () => {
    // GIVEN an output folder below a file
    const file = join(scratch('file'), 'not-a-folder');
    writeFileSync(file, '');
    const out = join(file, 'out');
    // The command prints a FileError's message, or any other error's (src/cli/main.ts reportError).
    const printed = (e: unknown) => fileErrorOf(e)?.message ?? (e as Error).message;
    const here = await thrown(() => synthesizeStacks(spec, allocation, planned, out));
    expect(printed(here)).toMatch(/not-a-folder/);

    const there = await thrown(() => Builder.start(SCRIPT)!.build(spec, allocation, planned, out));
    expect(printed(there)).toBe(printed(here));
    expect(there instanceof FileError).toBe(here instanceof FileError);
  });

  it.skipIf(!runs)("throws a crash with this thread's message, and the worker's stack", async () => {
    // GIVEN a stack of a service the estate does not have: building it fails in cityplan's code
    const stray: StackPlan = { ...planned[0]!, service: 'service-9999', name: 'test-staging-service-9999' };
    const here = (await thrown(() => synthesizeStacks(spec, allocation, [stray], scratch('here')))) as Error;
    expect(here).toBeInstanceOf(Error);

    const there = (await thrown(() => Builder.start(SCRIPT)!.build(spec, allocation, [stray], scratch('there')))) as Error;
    expect(there.message).toBe(here.message);
    expect(there.stack).toContain('builder-worker.js');
  });

  it.skipIf(!runs)('builds once; stopped, it builds nothing, and stopping again does nothing', async () => {
    const builder = Builder.start(SCRIPT)!;
    await builder.stop();
    await builder.stop();
    expect(((await thrown(() => builder.build(spec, allocation, planned, scratch('stopped')))) as Error).message).toBe('the builder builds once');
  });

  it.skipIf(!runs)('does not keep a process alive while it waits', () => {
    // GIVEN a program that starts a builder and never stops it
    const program = `require(${JSON.stringify(resolve('node_modules/tsx/dist/cjs/index.cjs'))}); require(${JSON.stringify(resolve('src/estate/builder.ts'))}).Builder.start(${JSON.stringify(SCRIPT)}) || process.exit(3);`;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.CITYPLAN_WORKERS;
    // THEN it ends when its own work does, not when the builder's loading would have
    const child = spawnSync(process.execPath, ['-e', program], { encoding: 'utf8', env, timeout: 30_000 });
    expect(child.status, child.stderr).toBe(0);
  });

  it('is not started where it cannot help: CITYPLAN_WORKERS set, or no built worker', () => {
    const before = process.env.CITYPLAN_WORKERS;
    try {
      process.env.CITYPLAN_WORKERS = '0';
      expect(Builder.start(SCRIPT)).toBeUndefined();
      process.env.CITYPLAN_WORKERS = '2';
      expect(Builder.start(SCRIPT)).toBeUndefined();
      delete process.env.CITYPLAN_WORKERS;
      expect(Builder.start(join(scratch('none'), 'builder-worker.js'))).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.CITYPLAN_WORKERS;
      else process.env.CITYPLAN_WORKERS = before;
    }
  });
});
