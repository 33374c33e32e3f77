import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from '../../src/cli/plan';
import { allocateEstate } from '../../src/estate/allocation';
import { stackInputs } from '../../src/estate/stack-inputs';
import { emptyLock } from '../../src/estate/lock';
import { type PlanResult, planEstate } from '../../src/estate/plan';
import { CACHE_DIR, canonicalJson, codeIdentity, stackKey } from '../../src/estate/stack-cache';
import { planStacks } from '../../src/estate/stack-plan';
import { loadEstate } from '../../src/manifest/load';
import { mixedEstateFiles, writeEstate } from '../support/estate-files';
import { expectSameBytes } from '../support/assembly-files';

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `cityplan-${name}-`));


/** The plan as --json prints it, without what differs by design: where it was written and the cache counts. */
const printed = (r: PlanResult) => ({ ...toJson(r), assembly: undefined, cache: undefined });

// Byte for byte through the built CLI, as users run it: the metadata CDK writes beside each template
// holds the call stack that built a construct, which from a test names the test's own lines.
const CLI = resolve('bin/cityplan.js');
const built = existsSync(resolve('dist/cli.js'));

/** `cityplan plan <dir> --out <out> --json [...flags]`: its JSON, without the assembly path. */
function cli(dir: string, out: string, ...flags: string[]): { json: Record<string, unknown>; cache: { reused: number; derived: number; built: number; standIns: number } } {
  const child = spawnSync(process.execPath, [CLI, 'plan', dir, '--out', out, '--json', ...flags], { encoding: 'utf8', env: { ...process.env, CITYPLAN_WORKERS: '1' } });
  expect(child.status, child.stderr + child.stdout.slice(0, 2000)).toBe(0);
  const { assembly: _, cache, ...json } = JSON.parse(child.stdout) as Record<string, unknown>;
  return { json, cache: cache as { reused: number; derived: number; built: number; standIns: number } };
}

const lockOf = (dir: string) => readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');

describe('plan cache', () => {
  // GIVEN an estate of every kind in two environments
  const dir = writeEstate(mixedEstateFiles(10));

  it.skipIf(!built)('a warm plan writes the bytes a cold plan writes, and reuses every stack', () => {
    // The estate's first plan writes its lock: the plans compared below find it as it is.
    cli(dir, join(scratch('first'), 'out'), '--no-cache');
    const coldOut = join(scratch('cold'), 'out');
    const cold = cli(dir, coldOut, '--no-cache');
    const coldLock = lockOf(dir);
    const stacks = (cold.json.stacks as unknown[]).length;
    expect(cold.cache).toEqual({ reused: 0, derived: 0, built: stacks, standIns: 0 });

    // WHEN the estate is planned through the cache twice: first filling it, then from it
    const filling = cli(dir, join(scratch('fill'), 'out'));
    const warmOut = join(scratch('warm'), 'out');
    const warm = cli(dir, warmOut);

    // THEN the second plan built nothing and wrote the same assembly, lock and plan
    expect(filling.cache.built + filling.cache.derived).toBe(stacks);
    expect(warm.cache).toEqual({ reused: stacks, derived: 0, built: 0, standIns: 0 });
    expectSameBytes(warmOut, coldOut);
    expect(lockOf(dir)).toBe(coldLock);
    expect(warm.json).toEqual(cold.json);
    // The cache is never committed.
    expect(readFileSync(join(dir, CACHE_DIR, '.gitignore'), 'utf8')).toMatch(/^\*$/m);
  });

  it.skipIf(!built)("after one service changed, rebuilds only that service's stacks, to the bytes of a cold plan", () => {
    const copy = scratch('changed');
    cpSync(dir, copy, { recursive: true });
    cli(copy, join(scratch('fill'), 'out'));
    const file = join(copy, 'services', 'service-0003.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}cpu: 1024\nmemory: 2048\n`);

    const warmOut = join(scratch('warm'), 'out');
    const warm = cli(copy, warmOut);
    // Its stack in each of the two environments.
    expect(warm.cache.built).toBe(2);
    const warmLock = lockOf(copy);

    const coldOut = join(scratch('cold'), 'out');
    const cold = cli(copy, coldOut, '--no-cache');
    expectSameBytes(warmOut, coldOut);
    expect(lockOf(copy)).toBe(warmLock);
    expect(warm.json).toEqual(cold.json);
  });

  it('after one service changed, reports the stacks it rebuilt', async () => {
    const copy = scratch('changed-in-process');
    cpSync(dir, copy, { recursive: true });
    await planEstate(copy, { out: join(scratch('fill'), 'out'), cache: true });
    const file = join(copy, 'services', 'service-0003.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}cpu: 1024\nmemory: 2048\n`);
    const warm = await planEstate(copy, { out: join(scratch('warm'), 'out'), cache: true });
    expect(warm.cache.builtStacks).toEqual(['test-staging-service-0003', 'test-production-service-0003']);
    expect(printed(warm).stacks).toHaveLength(warm.stacks.length);
  });

  it('rebuilds what reads a changed input: estate alert email, environment domain, a callee port', async () => {
    const copy = scratch('inputs');
    cpSync(dir, copy, { recursive: true });
    const out = () => join(scratch('out'), 'out');
    await planEstate(copy, { out: out(), cache: true });
    const edit = (path: string, from: RegExp, to: string) => {
      const text = readFileSync(join(copy, path), 'utf8');
      expect(text).toMatch(from);
      writeFileSync(join(copy, path), text.replace(from, to));
    };

    edit('estate.yaml', /alerts@example\.gov\.uk/, 'oncall@example.gov.uk');
    const alerts = await planEstate(copy, { out: out(), cache: true });
    // The alert email is the foundation's (its topic's subscription); service stacks do not read it.
    expect(alerts.cache.builtStacks).toEqual(['test-staging-foundation', 'test-production-foundation']);

    edit('estate.yaml', /domain: example\.gov\.uk/, 'domain: service.example.gov.uk');
    const domain = await planEstate(copy, { out: out(), cache: true });
    const production = domain.stacks.filter((s) => s.environment === 'production').map((s) => s.name);
    expect(domain.cache.builtStacks).toEqual(production);

    // service-0001 and service-0006 call service-0005: its port is in their security group rules.
    edit('services/service-0005.yaml', /port: 8080/, 'port: 8081');
    const port = await planEstate(copy, { out: out(), cache: true });
    expect([...port.cache.builtStacks].sort()).toEqual(
      ['0001', '0005', '0006'].flatMap((n) => [`test-staging-service-${n}`, `test-production-service-${n}`]).sort(),
    );
  });

  it('keys delivery stacks on the whole estate: any change rebuilds them, none reuses them', async () => {
    const copy = scratch('pipelines');
    cpSync(dir, copy, { recursive: true });
    const estate = readFileSync(join(copy, 'estate.yaml'), 'utf8');
    expect(estate).toMatch(/^ {2}connectionArn: .*$/m);
    writeFileSync(join(copy, 'estate.yaml'), estate.replace(/^( {2}connectionArn: .*)$/m, '$1\n  repo: example/estate'));
    const first = await planEstate(copy, { out: join(scratch('fill'), 'out'), cache: true });
    const delivery = first.stacks.filter((s) => s.environment === 'delivery').map((s) => s.name);
    expect(delivery.length).toBeGreaterThan(1);
    expect((await planEstate(copy, { out: join(scratch('warm'), 'out'), cache: true })).cache.built).toBe(0);
    // The folder as typed is no input: another spelling of it, or the estate moved, reuses them all.
    expect((await planEstate(`${copy}/./`, { out: join(scratch('spelt'), 'out'), cache: true })).cache.built).toBe(0);
    const moved = scratch('moved');
    cpSync(copy, moved, { recursive: true });
    expect((await planEstate(moved, { out: join(scratch('moved-out'), 'out'), cache: true })).cache.built).toBe(0);

    const file = join(copy, 'services', 'service-0003.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}cpu: 1024\nmemory: 2048\n`);
    const changed = await planEstate(copy, { out: join(scratch('changed'), 'out'), cache: true });
    expect([...changed.cache.builtStacks].sort()).toEqual([...delivery, 'test-staging-service-0003', 'test-production-service-0003'].sort());
  });

  it.skipIf(!built)('ignores a corrupt or cut-short entry and rebuilds that stack', () => {
    const copy = scratch('corrupt');
    cpSync(dir, copy, { recursive: true });
    const coldOut = join(scratch('cold'), 'out');
    cli(copy, coldOut);
    const entries = readdirSync(join(copy, CACHE_DIR)).filter((f) => f.endsWith('.json'));
    const [first, second] = entries.map((f) => join(copy, CACHE_DIR, f));
    writeFileSync(first!, readFileSync(first!, 'utf8').slice(0, 1000));
    // Same length, one template byte changed: the entry's own hash no longer matches.
    const text = readFileSync(second!, 'utf8');
    const at = text.indexOf('Resources');
    writeFileSync(second!, `${text.slice(0, at)}Resourcez${text.slice(at + 'Resources'.length)}`);

    const warmOut = join(scratch('warm'), 'out');
    const warm = cli(copy, warmOut);
    expect(warm.cache.built).toBe(2);
    expectSameBytes(warmOut, coldOut);
  });

  it('keys a stack on every field of what its constructor receives', () => {
    const spec = loadEstate(dir);
    const { environments } = allocateEstate(spec, emptyLock());
    const plan = planStacks(spec, environments).find((p) => p.service === 'service-0001')!;
    const inputs = stackInputs(spec, environments, plan);
    const key = stackKey(inputs, 'root');
    // Every leaf of the inputs, by its path.
    const leaves: string[][] = [];
    const walk = (value: unknown, path: string[]) => {
      if (value !== null && typeof value === 'object' && !(value instanceof Map)) for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
      else if (value !== undefined) leaves.push(path);
    };
    walk(inputs, []);
    expect(leaves.length).toBeGreaterThan(40);
    fc.assert(
      fc.property(fc.constantFrom(...leaves), (path) => {
        const changed = structuredClone(inputs) as unknown as Record<string, unknown>;
        let at = changed;
        for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
        const last = path.at(-1)!;
        const was = at[last];
        at[last] = typeof was === 'number' ? was + 1 : typeof was === 'boolean' ? !was : `${String(was)}x`;
        return stackKey(changed as never, 'root') !== key;
      }),
    );
    // The same entries in another order are another key: a stack is built by iterating its inputs,
    // and a service's env in another order is another container Environment.
    const reordered = Object.fromEntries(Object.entries(inputs).reverse());
    expect(stackKey(reordered as never, 'root')).not.toBe(key);
    expect(canonicalJson({ b: 1, a: 2 })).not.toBe(canonicalJson({ a: 2, b: 1 }));
    expect(canonicalJson(new Map([['y', 2], ['x', 1]]))).not.toBe(canonicalJson(new Map([['x', 1], ['y', 2]])));
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
  });

  it("changes with cityplan's version and its code", () => {
    const root = scratch('package');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'cityplan', version: '0.1.0' }));
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;');
    const before = codeIdentity(root);
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'cityplan', version: '0.1.1' }));
    const version = codeIdentity(root);
    writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 2;');
    expect(new Set([before, version, codeIdentity(root)]).size).toBe(3);
  });

  it('changes with a library patched in place, its version unchanged', () => {
    const root = scratch('package');
    mkdirSync(join(root, 'src'));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'cityplan', version: '0.1.0' }));
    const library = join(root, 'node_modules', 'constructs');
    mkdirSync(join(library, 'lib'), { recursive: true });
    writeFileSync(join(library, 'package.json'), JSON.stringify({ name: 'constructs', version: '10.8.1', main: 'lib/index.js' }));
    writeFileSync(join(library, 'lib', 'index.js'), 'exports.a = 1;');
    const before = codeIdentity(root);
    // As patch-package would: the same version, another file.
    writeFileSync(join(library, 'lib', 'index.js'), 'exports.a = 2; // patched');
    expect(codeIdentity(root)).not.toBe(before);
  });

  it.skipIf(!built)("a warm plan after a service's env entries were reordered writes what a cold plan writes", () => {
    const copy = scratch('reordered');
    cpSync(dir, copy, { recursive: true });
    const file = join(copy, 'services', 'service-0004.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}env:\n  ALPHA: one\n  BETA: two\n`);
    cli(copy, join(scratch('fill'), 'out'));
    // WHEN only the order of the service's variables changes
    writeFileSync(file, `${original}env:\n  BETA: two\n  ALPHA: one\n`);
    const warmOut = join(scratch('warm'), 'out');
    const warm = cli(copy, warmOut);
    // THEN its stacks are rebuilt, to the bytes of a cold plan (the container's Environment in the new order)
    expect(warm.cache.built).toBe(2);
    const coldOut = join(scratch('cold'), 'out');
    cli(copy, coldOut, '--no-cache');
    expectSameBytes(warmOut, coldOut);
  });

  it.skipIf(!built)('a plan built in worker threads writes the bytes of one built in this thread', () => {
    const one = join(scratch('one-thread'), 'out');
    const two = join(scratch('workers'), 'out');
    cli(dir, one, '--no-cache');
    const child = spawnSync(process.execPath, [CLI, 'plan', dir, '--out', two, '--no-cache', '--json'], { encoding: 'utf8', env: { ...process.env, CITYPLAN_WORKERS: '2' } });
    expect(child.status, child.stderr).toBe(0);
    expectSameBytes(two, one);
  });
});
