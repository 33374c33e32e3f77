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
import { stackInputs } from './stack-inputs';
import { type Artifact, type AssemblyManifest, type CachedStack, entryOf, StackCache, stackDependencies, stackKey, writeCachedFiles } from './stack-cache';
import type { StackPlan } from './stack-plan';
import type { SynthesisResult } from './synthesize';
import { mark } from './timings';

export interface CachedSynthesis {
  readonly synthesis: SynthesisResult;
  /** How many stacks came from the cache, and how many were built (and which, in plan order). */
  readonly cache: { readonly reused: number; readonly built: number; readonly builtStacks: readonly string[] };
  /**
   * Stores the stacks built by this plan in the cache, from the committed assembly at `out`; after a
   * plan of the whole estate, also drops entries it did not use. Call only once the plan succeeded.
   */
  remember(out: string, wholeEstate: boolean): void;
}

/**
 * Puts every planned stack into `outdir`, from the cache when it has the stack and through `build`
 * otherwise, and returns what synthesis would have returned for all of them, in plan order.
 * @param cache the estate's plan cache, or undefined to build every stack (plan --no-cache)
 * @param build synthesizes the given stacks into `outdir` (in this process or in workers)
 */
export async function synthesizeWithCache(
  cache: StackCache | undefined,
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  planned: readonly StackPlan[],
  outdir: string,
  build: (stacks: readonly StackPlan[]) => Promise<SynthesisResult>,
): Promise<CachedSynthesis> {
  const keys = new Map<string, string>();
  // A hit's files are written at once, and only the rest of its entry kept: thousands of templates
  // are not held in memory.
  const hits = new Map<string, Omit<CachedStack, 'files'>>();
  if (cache) {
    for (const plan of planned) {
      const key = stackKey(stackInputs(spec, allocation, plan), environmentRoot(spec.name, plan.environment));
      keys.set(plan.name, key);
      const entry = cache.read(key, plan.name);
      if (!entry) continue;
      writeCachedFiles(outdir, entry);
      const { files: _, ...rest } = entry;
      hits.set(plan.name, rest);
    }
  }
  mark(`cache: ${hits.size} stacks read and written`);
  const toBuild = planned.filter((p) => !hits.has(p.name));
  const built: SynthesisResult = toBuild.length > 0 ? await build(toBuild) : { stacks: [], findings: [], acknowledgements: [] };

  // The manifest as synthesis wrote it, before the plan adds its orderings: what a cache entry keeps.
  const synthesized = toBuild.length > 0 ? (JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as AssemblyManifest) : undefined;
  const header: CachedStack['header'] = synthesized
    ? { manifest: withoutArtifacts(synthesized), appArtifacts: appArtifacts(synthesized, toBuild), cdkOut: readFileSync(join(outdir, 'cdk.out'), 'utf8') }
    : hits.values().next().value!.header;
  if (!synthesized) writeFileSync(join(outdir, 'cdk.out'), header.cdkOut);
  mark(`synthesis: ${toBuild.length} stacks built`);
  writeManifest(outdir, planned, header, synthesized?.artifacts ?? {}, hits);
  mark('assembly manifest');

  const builtStacks = new Map(built.stacks.map((s) => [s.name, s]));
  const builtAcknowledgements = byStack(built.acknowledgements, (a) => a.stack);
  const plannedNames = new Set(planned.map((p) => p.name));
  const synthesis: SynthesisResult = {
    stacks: planned.map((p) => hits.get(p.name)?.stack ?? builtStacks.get(p.name)!),
    findings: [...built.findings, ...[...hits.values()].flatMap((e) => e.findings)],
    // In plan order of their stacks, tree order within one: as one app would list them.
    acknowledgements: [
      ...built.acknowledgements.filter((a) => !plannedNames.has(a.stack)),
      ...planned.flatMap((p) => hits.get(p.name)?.acknowledgements ?? builtAcknowledgements.get(p.name) ?? []),
    ],
  };
  return {
    synthesis,
    cache: { reused: hits.size, built: toBuild.length, builtStacks: toBuild.map((p) => p.name) },
    remember(out, wholeEstate) {
      if (!cache) return;
      const artifacts = synthesized?.artifacts ?? {};
      const findingsOf = byStack(built.findings, (f) => f.path.split('/')[0]!);
      const acknowledgementsOf = byStack(built.acknowledgements, (a) => a.stack);
      const sizes = new Map(built.stacks.map((s) => [s.name, s]));
      cache.write(
        (function* () {
          for (const plan of toBuild) {
            const own = { stacks: [sizes.get(plan.name)!], findings: findingsOf.get(plan.name) ?? [], acknowledgements: acknowledgementsOf.get(plan.name) ?? [] };
            yield { key: keys.get(plan.name)!, entry: entryOf(out, plan, own, artifacts, header) };
          }
        })(),
      );
      mark(`cache: ${toBuild.length} entries stored`);
      if (wholeEstate) cache.prune(new Set(keys.values()));
    },
  };
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
  hits: ReadonlyMap<string, Omit<CachedStack, 'files'>>,
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
