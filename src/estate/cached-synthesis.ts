/**
 * Synthesis through the plan cache (stack-cache.ts): the stacks whose key has an entry are copied
 * from it, the others are synthesized as before; then the assembly manifest is written in one
 * canonical form, so that the assembly is the same bytes whichever stacks came from where.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EstateSpec } from '../manifest/spec';
import { environmentRoot } from '../naming/names';
import type { EnvironmentAllocation } from './allocation';
import { type StackInputs, stackInputs } from './stack-inputs';
import { ShapeWork } from './shape-work';
import { type Artifact, type AssemblyManifest, type CachedStack, entryOf, StackCache, stackDependencies, stackKey, writeCachedFiles } from './stack-cache';
import type { StackPlan } from './stack-plan';
import type { SynthesisResult } from './synthesize';
import { mark } from './timings';

export interface CachedSynthesis {
  readonly synthesis: SynthesisResult;
  /**
   * How many stacks came from the cache, how many were derived from a stand-in of their shape
   * (stack-shape.ts), and how many were built (and which, in plan order); `standIns` is how many
   * stand-ins this plan built.
   */
  readonly cache: { readonly reused: number; readonly derived: number; readonly built: number; readonly builtStacks: readonly string[]; readonly standIns: number };
  /**
   * Stores the stacks built by this plan in the cache, from the committed assembly at `out`; after a
   * plan of the whole estate, also drops entries it did not use. Call only once the plan succeeded.
   */
  remember(out: string, wholeEstate: boolean): void;
}

/** Builds stacks into the assembly folder: the given plans, with the inputs of stand-ins among them. */
export type Build = (stacks: readonly StackPlan[], given: ReadonlyMap<string, StackInputs>) => Promise<SynthesisResult>;

type Kept = Omit<CachedStack, 'files'>;

/**
 * Puts every planned stack into `outdir`, from the cache when it has the stack, derived from a
 * stand-in of its shape when several stacks share one, and through `build` otherwise; returns what
 * synthesis would have returned for all of them, in plan order.
 *
 * A shape first seen in this plan is checked before any stack is derived from it: its stand-in and
 * one member are built, and the member derived from the stand-in must equal, byte for byte, the
 * member built. A shape that fails the check, and any stack that cannot be derived, is built.
 * @param cache the estate's plan cache, or undefined to build every stack (plan --no-cache)
 * @param build synthesizes the given stacks into `outdir` (in this process or in workers)
 */
export async function synthesizeWithCache(
  cache: StackCache | undefined,
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  planned: readonly StackPlan[],
  outdir: string,
  build: Build,
): Promise<CachedSynthesis> {
  const keys = new Map<string, string>();
  const inputs = new Map(planned.map((p) => [p.name, stackInputs(spec, allocation, p)]));
  const rootOf = (plan: StackPlan) => environmentRoot(spec.name, plan.environment);
  // A hit's files are written at once, and only the rest of its entry kept: thousands of templates
  // are not held in memory.
  const hits = new Map<string, Kept>();
  if (cache) {
    for (const plan of planned) {
      const key = stackKey(inputs.get(plan.name)!, rootOf(plan));
      keys.set(plan.name, key);
      const entry = cache.read(key, plan.name);
      if (!entry) continue;
      writeCachedFiles(outdir, entry);
      const { files: _, ...rest } = entry;
      hits.set(plan.name, rest);
    }
  }
  mark(`cache: ${hits.size} stacks read and written`);

  const shapes = cache ? new ShapeWork(cache, planned, inputs, rootOf, outdir) : undefined;
  const misses = planned.filter((p) => !hits.has(p.name));
  shapes?.deriveFromStored(misses);
  const toBuild = misses.filter((p) => !shapes?.covers(p.name));
  const standIns = shapes?.standInPlans() ?? [];
  const first = toBuild.length + standIns.length > 0 ? await build([...toBuild, ...standIns], shapes?.given() ?? new Map()) : undefined;
  mark(`synthesis: ${toBuild.length} stacks and ${standIns.length} stand-ins built`);
  // The manifest as synthesis wrote it, before the plan adds its orderings: what a cache entry keeps.
  let synthesized = first ? readManifest(outdir) : undefined;
  const header: CachedStack['header'] | undefined = synthesized
    ? { manifest: withoutArtifacts(synthesized), appArtifacts: appArtifacts(synthesized, [...toBuild, ...standIns]), cdkOut: readFileSync(join(outdir, 'cdk.out'), 'utf8') }
    : (hits.values().next().value?.header ?? shapes?.storedHeader());
  const results = first ? [shapes ? shapes.checkStandIns(first, synthesized!.artifacts ?? {}, header!) : first] : [];
  const rebuild = shapes?.failed() ?? [];
  if (rebuild.length > 0) {
    results.push(await build(rebuild, new Map()));
    const again = readManifest(outdir);
    synthesized = { ...again, artifacts: { ...synthesized?.artifacts, ...again.artifacts } };
  }
  if (!header) throw new Error('no stack was built, read or derived');
  if (!synthesized) writeFileSync(join(outdir, 'cdk.out'), header.cdkOut);
  const built: SynthesisResult = {
    stacks: results.flatMap((r) => r.stacks),
    findings: results.flatMap((r) => r.findings),
    acknowledgements: results.flatMap((r) => r.acknowledgements),
  };
  const builtPlans = [...toBuild, ...rebuild];
  const derived = shapes?.derived ?? new Map<string, CachedStack>();
  mark(`synthesis: ${derived.size} stacks derived, ${rebuild.length} more built`);
  const served = new Map([...hits, ...derived]);
  writeManifest(outdir, planned, header, synthesized?.artifacts ?? {}, served);
  mark('assembly manifest');

  const builtStacks = new Map(built.stacks.map((s) => [s.name, s]));
  const builtAcknowledgements = byStack(built.acknowledgements, (a) => a.stack);
  const plannedNames = new Set(planned.map((p) => p.name));
  const synthesis: SynthesisResult = {
    stacks: planned.map((p) => served.get(p.name)?.stack ?? builtStacks.get(p.name)!),
    findings: [...built.findings, ...[...served.values()].flatMap((e) => e.findings)],
    // In plan order of their stacks, tree order within one: as one app would list them.
    acknowledgements: [
      ...built.acknowledgements.filter((a) => !plannedNames.has(a.stack)),
      ...planned.flatMap((p) => served.get(p.name)?.acknowledgements ?? builtAcknowledgements.get(p.name) ?? []),
    ],
  };
  return {
    synthesis,
    cache: { reused: hits.size, derived: derived.size, built: builtPlans.length, builtStacks: builtPlans.map((p) => p.name), standIns: standIns.length },
    remember(out, wholeEstate) {
      if (!cache || !header) return;
      const artifacts = synthesized?.artifacts ?? {};
      const findingsOf = byStack(built.findings, (f) => f.path.split('/')[0]!);
      const acknowledgementsOf = byStack(built.acknowledgements, (a) => a.stack);
      const sizes = new Map(built.stacks.map((s) => [s.name, s]));
      cache.write(
        (function* () {
          for (const plan of builtPlans) {
            const own = { stacks: [sizes.get(plan.name)!], findings: findingsOf.get(plan.name) ?? [], acknowledgements: acknowledgementsOf.get(plan.name) ?? [] };
            yield { key: keys.get(plan.name)!, entry: { ...entryOf(out, plan, own, artifacts, header), shape: shapes?.shapeKeyOf(plan.name) } };
          }
          for (const plan of planned) {
            const entry = derived.get(plan.name);
            if (entry) yield { key: keys.get(plan.name)!, entry };
          }
          yield* shapes?.checkedStandIns() ?? [];
        })(),
      );
      mark(`cache: ${builtPlans.length + derived.size} entries stored`);
      // The stand-ins to keep: after a plan of the whole estate, those of the shapes its stacks
      // have now (a stand-in no stack has any more is dropped); after a part, those kept before too.
      const used = [...(shapes?.keys() ?? [])];
      const shapeKeys = wholeEstate
        ? planned.flatMap((p) => {
            const key = hits.get(p.name)?.shape ?? shapes?.shapeKeyOf(p.name);
            return key ? [key] : [];
          })
        : [...cache.shapeKeys(), ...used];
      if (wholeEstate || used.length > 0) cache.rememberShapeKeys(shapeKeys);
      if (wholeEstate) cache.prune(new Set([...keys.values(), ...shapeKeys]));
    },
  };
}

function readManifest(outdir: string): AssemblyManifest {
  return JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as AssemblyManifest;
}

/** Items grouped by the stack they belong to, in their order. */
function byStack<T>(items: readonly T[], stackOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const list = groups.get(stackOf(item));
    if (list) list.push(item);
    else groups.set(stackOf(item), [item]);
  }
  return groups;
}

/** The artifacts that are no stack's nor its asset manifest's. */
function appArtifacts(manifest: AssemblyManifest, stacks: readonly StackPlan[]): Record<string, Artifact> {
  const own = new Set(stacks.flatMap((p) => [p.name, `${p.name}.assets`]));
  return Object.fromEntries(Object.entries(manifest.artifacts ?? {}).filter(([id]) => !own.has(id)));
}

/** The manifest with its artifacts emptied, their key kept in its place (so that the written manifest keeps CDK's key order). */
function withoutArtifacts(manifest: AssemblyManifest): Record<string, unknown> {
  return { ...manifest, artifacts: {} };
}

/**
 * The assembly manifest of every planned stack: artifacts in plan order (each stack after its asset
 * manifest, as one app lists them), then any other artifact synthesis made; dependencies as
 * stackDependencies gives them.
 */
function writeManifest(
  outdir: string,
  planned: readonly StackPlan[],
  header: CachedStack['header'],
  synthesized: Record<string, Artifact>,
  hits: ReadonlyMap<string, Kept>,
): void {
  const all: Record<string, Artifact> = { ...synthesized, ...header.appArtifacts };
  for (const entry of hits.values()) Object.assign(all, entry.artifacts);
  const artifacts: Record<string, Artifact> = {};
  for (const id of [...planned.flatMap((p) => [`${p.name}.assets`, p.name]), ...Object.keys(all)]) {
    if (all[id] && !artifacts[id]) artifacts[id] = structuredClone(all[id]);
  }
  const present = (id: string) => id in artifacts;
  for (const plan of planned) {
    const artifact = artifacts[plan.name];
    if (!artifact) continue;
    const dependencies = stackDependencies(plan, artifact.dependencies ?? [], present);
    if (dependencies.length > 0) artifact.dependencies = dependencies;
    else delete artifact.dependencies;
  }
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({ ...header.manifest, artifacts }, null, 2));
}
