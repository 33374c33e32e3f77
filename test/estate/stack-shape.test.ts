import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { allocateEstate } from '../../src/estate/allocation';
import { type Build, synthesizeWithCache } from '../../src/estate/cached-synthesis';
import { emptyLock } from '../../src/estate/lock';
import { stackDifference } from '../../src/estate/shape-work';
import { CACHE_DIR, type CachedStack, entryOf, StackCache } from '../../src/estate/stack-cache';
import { planEstate } from '../../src/estate/plan';
import { stackInputs } from '../../src/estate/stack-inputs';
import { planStacks } from '../../src/estate/stack-plan';
import { identityOf, shapeOf, STAND_IN_MARKER } from '../../src/estate/stack-shape';
import { StackDeriver } from '../../src/estate/stack-stamp';
import { type SynthesisResult, synthesizeStacks } from '../../src/estate/synthesize';
import { loadEstate } from '../../src/manifest/load';
import { environmentRoot } from '../../src/naming/names';
import { generatedEstateFiles, mixedEstateFiles, STAGING_ESTATE, webService, writeEstate } from '../support/estate-files';
import { expectSameBytes } from '../support/assembly-files';

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `cityplan-${name}-`));
const CLI = resolve('bin/cityplan.js');
const built = existsSync(resolve('dist/cli.js'));


type Counts = { reused: number; derived: number; built: number; standIns: number };

/**
 * `cityplan plan --json` in one thread; `builder` lets the plan use its builder thread (on a machine
 * of more than one core), which then builds the stand-ins too.
 */
function plan(dir: string, out: string, ...flags: string[]): { json: Record<string, unknown>; cache: Counts } {
  const builder = flags.includes('builder');
  const env = builder ? { ...process.env, CITYPLAN_WORKERS: undefined } : { ...process.env, CITYPLAN_WORKERS: '1' };
  const child = spawnSync(process.execPath, [CLI, 'plan', dir, '--out', out, '--json', ...flags.filter((f) => f !== 'builder')], { encoding: 'utf8', env });
  expect(child.status, child.stderr + child.stdout.slice(0, 2000)).toBe(0);
  const { assembly: _, cache, ...json } = JSON.parse(child.stdout) as Record<string, unknown>;
  return { json, cache: cache as Counts };
}

describe.skipIf(!built)('service stacks derived from a stand-in of their shape', () => {
  // GIVEN an estate of every kind, three of each, in two environments, planned once with no cache
  // yet, deriving what it can (its first plan: it writes the lock and fills the cache)
  const dir = writeEstate(mixedEstateFiles(30));
  const derivedOut = join(scratch('derived'), 'out');
  let derived: ReturnType<typeof plan>;
  beforeAll(() => {
    derived = plan(dir, derivedOut, 'builder');
  });

  it('write the bytes and plan of stacks built one by one, for every kind that shares a shape', () => {
    // WHEN the same estate is planned with every stack built
    const coldOut = join(scratch('cold'), 'out');
    const cold = plan(copyOf(dir), coldOut, '--no-cache');

    // THEN the web services with a canary, with a bucket and cache, with secrets, the FIFO workers
    // and the jobs (alike but for their names) were derived, and nothing differs from building all
    const stacks = (cold.json.stacks as unknown[]).length;
    expect(derived.cache.derived).toBeGreaterThanOrEqual(2 * 5);
    expect(derived.cache.built + derived.cache.derived).toBe(stacks);
    expect(derived.cache.standIns).toBeGreaterThanOrEqual(5);
    expectSameBytes(derivedOut, coldOut);
    // The first plan wrote the lock (and said it started one), the second found it as the first left it.
    const same = (json: Record<string, unknown>) => ({ ...json, lock: undefined, changes: { ...(json.changes as object), flags: undefined } });
    expect(same(derived.json)).toEqual(same(cold.json));
  });

  it('a changed service whose new shape the cache holds is derived, not built', () => {
    // A copy of the planned estate, its cache with it.
    const copy = copyOf(dir);
    // service-0002 is a web service with a canary; made like the web services with a secret
    // (service-0004, -0014, -0024), its stacks take their stored shape.
    const file = join(copy, 'services', 'service-0002.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/deploy:\n {2}strategy: canary\n {2}bake: 10/, 'secrets: [SESSION_SECRET]'));
    const out = join(scratch('one'), 'out');
    const one = plan(copy, out, '--service', 'service-0002');
    expect(one.cache).toEqual({ reused: 0, derived: 2, built: 0, standIns: 0 });

    // The same plan with every stack built (the lock, written by the first, is what both read).
    const coldOut = join(scratch('one-cold'), 'out');
    const cold = plan(copy, coldOut, '--service', 'service-0002', '--no-cache');
    expectSameBytes(out, coldOut);
    expect({ ...one.json, lock: undefined }).toEqual({ ...cold.json, lock: undefined });
  });
});

/** A copy of an estate folder, with its lock and caches. */
function copyOf(dir: string): string {
  const copy = join(scratch('copy'), 'estate');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

describe('what is never derived, and what the cache keeps', () => {
  /** A one-environment estate of nine web services (five alike, bar their names), written afresh. */
  const estate = (change: (files: Record<string, string>) => void = () => {}) => {
    const files = generatedEstateFiles(9, 1);
    change(files);
    return writeEstate(files);
  };
  const withEnv = (files: Record<string, string>, service: string, value: string) =>
    (files[`services/${service}.yaml`] = `${files[`services/${service}.yaml`]}env:\n  Y: ${value}\n`);

  it('builds a service whose settings hold the made-up name, which would read as its own name', async () => {
    // GIVEN services alike once each one's name is made up, one of them holding the made-up name itself
    const dir = estate((files) => {
      for (const n of ['0001', '0004', '0005']) withEnv(files, `service-${n}`, `service-${n}`);
      withEnv(files, 'service-0002', `${STAND_IN_MARKER}qqqqqqqq`);
    });
    const derived = await planEstate(dir, { out: join(scratch('derived'), 'out'), cache: true });
    const built = await planEstate(dir, { out: join(scratch('built'), 'out'), cache: false });
    // THEN it is built, the others derived, and the assembly is the one of building all
    expect(derived.cache.builtStacks).toContain('test-staging-service-0002');
    expect(derived.cache.derived).toBe(2);
    expectSameBytes(join(derived.assembly), join(built.assembly));
  });

  it('never fails a plan over its cache folder, even one that is a file', async () => {
    const dir = estate();
    mkdirSync(join(dir, '.cityplan'));
    writeFileSync(join(dir, CACHE_DIR), 'not a folder');
    const result = await planEstate(dir, { out: join(scratch('out'), 'out'), cache: true });
    expect(result.cache.derived).toBe(4);
  });

  it('keeps only the stand-ins of shapes the estate still has, so the cache does not grow with every change', async () => {
    const dir = estate();
    const entries = () => readdirSync(join(dir, CACHE_DIR)).filter((f) => f.endsWith('.json')).length;
    await planEstate(dir, { out: join(scratch('first'), 'out'), cache: true });
    const first = entries();
    // WHEN a change every stack reads (the estate's owner) makes every shape new, twice
    for (const owner of ['oncall@example.gov.uk', 'duty@example.gov.uk']) {
      writeFileSync(join(dir, 'estate.yaml'), readFileSync(join(dir, 'estate.yaml'), 'utf8').replace(/^owner: .*$/m, `owner: ${owner}`));
      const result = await planEstate(dir, { out: join(scratch('again'), 'out'), cache: true });
      expect(result.cache.standIns).toBe(1);
      // THEN the cache holds as many entries as after the first plan: the old stand-in went with its stacks
      expect(entries()).toBe(first);
    }
  });
});

describe('StackDeriver', () => {
  // GIVEN web services with names of one length, some sorting before every other text and some after
  const names = fc.sample(
    fc.stringMatching(/^[a-y][a-z0-9]{3}-[a-z0-9]{4}$/).filter((n) => !n.includes(STAND_IN_MARKER) && !n.includes('test')),
    { numRuns: 10, seed: 1414 },
  );
  const distinct = [...new Set(['aaaa-0000', 'yyyy-9999', ...names])];
  const dir = writeEstate({ 'estate.yaml': STAGING_ESTATE, ...Object.fromEntries(distinct.map((n) => [`services/${n}.yaml`, webService(n)])) });
  const spec = loadEstate(dir);
  const { environments } = allocateEstate(spec, emptyLock());
  const placed = environments.get('staging')!;
  // Shards and priorities as a large environment would give them (shard 0 is a shape of its own).
  const places = fc.sample(fc.record({ shard: fc.integer({ min: 1, max: 40 }), priority: fc.integer({ min: 1, max: 50_000 }) }), { numRuns: distinct.length, seed: 7 });
  const placements = placed.placements as Record<string, (typeof placed.placements)[string]>;
  distinct.forEach((name, i) => (placements[name] = { ...placements[name]!, ...places[i]! }));
  const plans = planStacks(spec, environments).filter((p) => p.role === 'service');
  const inputsOf = (name: string) => stackInputs(spec, environments, plans.find((p) => p.service === name)!);
  const root = environmentRoot(spec.name, 'staging');

  /** Builds stacks in this process into a fresh folder and returns each one's cache entry. */
  function build(stacks: typeof plans, given = new Map()): Map<string, CachedStack> {
    const out = scratch('build');
    const result: SynthesisResult = synthesizeStacks(spec, environments, stacks, out, given);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const header = { manifest: { ...manifest, artifacts: {} }, appArtifacts: {}, cdkOut: readFileSync(join(out, 'cdk.out'), 'utf8') };
    return new Map(stacks.map((p) => [p.name, entryOf(out, p, result, manifest.artifacts, header)]));
  }

  const shapes = distinct.map((n) => shapeOf(inputsOf(n), root)!);
  const shape = shapes[0]!;
  const standInPlan = { ...plans[0]!, name: shape.standIn.stack, service: shape.standIn.service, dependsOn: [] };
  const standIn = build([standInPlan], new Map([[shape.standIn.stack, shape.inputs]])).get(shape.standIn.stack)!;
  const deriver = new StackDeriver(standIn, shape.standIn);

  it('gives each service of the shape, on any shard and priority, exactly the stack CDK builds', () => {
    // Services alike but for name, shard and priority share one shape.
    expect(new Set(shapes.map((s) => s.key)).size).toBe(1);
    expect(deriver.unusable).toBeUndefined();
    const real = build(plans.filter((p) => distinct.includes(p.service!)));
    let derived = 0;
    for (const name of distinct) {
      const plan = plans.find((p) => p.service === name)!;
      const entry = deriver.derive(identityOf(inputsOf(name))!);
      // Not derivable is allowed (the plan builds it then); derived wrong never is.
      if (!entry) continue;
      derived += 1;
      expect(stackDifference(entry, real.get(plan.name)!, plan), name).toBeUndefined();
    }
    expect(derived).toBeGreaterThanOrEqual(distinct.length - 1);
  });

  it('derives nothing from a template holding a form of the name it does not know', () => {
    const [name] = distinct;
    const tampered = withTemplate(standIn, (t) => t.replace('"Resources": {', `"Metadata": {"Upper": "${shape.standIn.service.toUpperCase()}"},\n "Resources": {`));
    expect(new StackDeriver(tampered, shape.standIn).derive(identityOf(inputsOf(name!))!)).toBeUndefined();
  });

  it('derives nothing where a list CDK sorted would change order with the new name', () => {
    // "m" sorts between a name starting with a and the stand-in's name (zqjx...).
    const sorted = withTemplate(standIn, (t) => t.replace('"Resources": {', `"Metadata": {"Sorted": ["m", "${shape.standIn.service}"]},\n "Resources": {`));
    const deriverOfSorted = new StackDeriver(sorted, shape.standIn);
    expect(deriverOfSorted.derive(identityOf(inputsOf('aaaa-0000'))!)).toBeUndefined();
    expect(deriverOfSorted.derive(identityOf(inputsOf('yyyy-9999'))!)).toBeDefined();
  });

  it('builds the members of a shape whose check fails, to the bytes of building them all', async () => {
    const services = plans.filter((p) => distinct.includes(p.service!));
    const want = scratch('all-built');
    await synthesizeWithCache(undefined, spec, environments, services, want, async (stacks, given) => synthesizeStacks(spec, environments, stacks, want, given));

    // WHEN every stand-in built comes out different from what derivation expects
    const got = scratch('check-fails');
    const cacheDir = scratch('cache');
    let standIns = 0;
    const result = await synthesizeWithCache(StackCache.of(cacheDir), spec, environments, services, got, async (stacks, given) => {
      const synthesis = synthesizeStacks(spec, environments, stacks, got, given);
      for (const name of given.keys()) {
        standIns += 1;
        const file = join(got, `${name}.template.json`);
        writeFileSync(file, readFileSync(file, 'utf8').replace('"Resources": {', '"Resources": {"Extra": {"Type": "AWS::SNS::Topic"},'));
      }
      return synthesis;
    });
    // THEN every service stack is built, none derived, and the assembly is the one of building all
    expect(standIns).toBe(1);
    expect(result.cache).toMatchObject({ derived: 0, built: services.length });
    for (const p of services) expect(readFileSync(join(got, `${p.name}.template.json`)).equals(readFileSync(join(want, `${p.name}.template.json`))), p.name).toBe(true);
    expect(readdirSync(got).some((f) => f.includes(STAND_IN_MARKER))).toBe(false);
  });

  it('builds once, with the plan, each stack its stored stand-in cannot give', async () => {
    const services = plans.filter((p) => distinct.includes(p.service!));
    const build = (out: string): Build => async (stacks, given) => synthesizeStacks(spec, environments, stacks, out, given);
    const want = scratch('all-built');
    const all = await synthesizeWithCache(undefined, spec, environments, services, want, build(want));

    // GIVEN a cache holding only a checked stand-in, whose template holds a form of the name no
    // derivation knows (so no member can be derived from it)
    const cache = StackCache.of(scratch('cache'));
    const fill = scratch('fill');
    (await synthesizeWithCache(cache, spec, environments, services, fill, build(fill))).remember(fill, true);
    const [key] = cache.shapeKeys();
    const stored = cache.read(key!, shape.standIn.stack)!;
    cache.write([{ key: key!, entry: withTemplate(stored, (t) => t.replace('"Resources": {', `"Metadata": {"Upper": "${shape.standIn.service.toUpperCase()}"},\n "Resources": {`)) }]);
    cache.prune(new Set([key!]));

    // WHEN the services are planned again
    const got = scratch('again');
    const result = await synthesizeWithCache(cache, spec, environments, services, got, build(got));

    // THEN each is built once, and the plan is the one of building all
    expect(result.cache).toMatchObject({ reused: 0, derived: 0, built: services.length, standIns: 0 });
    expect(new Set(result.cache.builtStacks).size).toBe(services.length);
    expect(result.synthesis).toEqual(all.synthesis);
  });
});

/** The entry with its template's text changed. */
function withTemplate(entry: CachedStack, change: (text: string) => string): CachedStack {
  return { ...entry, files: entry.files.map((f) => (f.path.endsWith('.template.json') ? { ...f, bytes: Buffer.from(change(f.bytes.toString('utf8'))) } : f)) };
}
