/**
 * Joins cloud assemblies synthesized in parts into one, as if one app had made it: every file
 * moved into the target folder, one manifest listing every artifact, and the ordering between
 * stacks that were built in different parts restored.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackPlan } from './stack-plan';

interface Manifest {
  version: string;
  artifacts?: Record<string, { type: string; dependencies?: string[]; [key: string]: unknown }>;
  missing?: unknown[];
  [key: string]: unknown;
}

const OWN_FILES = new Set(['manifest.json', 'cdk.out', 'tree.json']);

export function mergeAssemblies(partDirs: readonly string[], outdir: string, stacks: readonly StackPlan[]): void {
  const manifests = partDirs.map((dir) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest);
  for (const dir of partDirs) {
    for (const file of readdirSync(dir)) {
      if (OWN_FILES.has(file)) continue;
      const target = join(outdir, file);
      // The same asset (by content hash) may come from several parts: keep one.
      if (existsSync(target)) rmSync(join(dir, file), { recursive: true, force: true });
      else renameSync(join(dir, file), target);
    }
  }
  const all: NonNullable<Manifest['artifacts']> = {};
  for (const m of manifests) Object.assign(all, m.artifacts);
  // In plan order, each stack after its asset manifest, as one app would list them.
  const artifacts: NonNullable<Manifest['artifacts']> = {};
  for (const id of [...stacks.flatMap((s) => [`${s.name}.assets`, s.name]), ...Object.keys(all)]) {
    if (all[id] && !artifacts[id]) artifacts[id] = all[id];
  }
  for (const plan of stacks) {
    const artifact = artifacts[plan.name];
    if (!artifact) continue;
    const deps = new Set(artifact.dependencies ?? []);
    for (const d of plan.dependsOn) if (artifacts[d]) deps.add(d);
    artifact.dependencies = [...deps];
  }
  const merged: Manifest = { ...manifests[0]!, artifacts, missing: manifests.flatMap((m) => m.missing ?? []) };
  if (merged.missing!.length === 0) delete merged.missing;
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify(merged, null, 2));
  writeFileSync(join(outdir, 'cdk.out'), readFileSync(join(partDirs[0]!, 'cdk.out')));
  for (const dir of partDirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * Adds orderings between stacks to an assembly's manifest, as stack dependencies: the toolkit then
 * deploys `stack` only once `after` has deployed.
 */
export function addDependencies(outdir: string, orderings: ReadonlyArray<{ readonly stack: string; readonly after: string }>): void {
  if (orderings.length === 0) return;
  const path = join(outdir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  for (const { stack, after } of orderings) {
    const artifact = manifest.artifacts?.[stack];
    if (!artifact || !manifest.artifacts?.[after]) continue;
    artifact.dependencies = [...new Set([...(artifact.dependencies ?? []), after])];
  }
  writeFileSync(path, JSON.stringify(manifest, null, 2));
}
