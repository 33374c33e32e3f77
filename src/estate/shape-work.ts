/**
 * One plan's work with service shapes (stack-shape.ts): which stacks are derived from a stand-in
 * the cache holds, which stand-ins must be built and checked, and what is derived once they are.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackInputs } from './stack-inputs';
import { type Artifact, type CachedStack, entryOf, type StackCache, writeCachedFiles } from './stack-cache';
import { identityOf, type StackShape, shapeOf } from './stack-shape';
import { StackDeriver } from './stack-stamp';
import type { StackPlan } from './stack-plan';
import type { SynthesisResult } from './synthesize';
import { mark } from './timings';

interface Group {
  readonly shape: StackShape;
  readonly members: StackPlan[];
}

export class ShapeWork {
  /**
   * Stacks derived from a stand-in, their files written, by stack name: whole, files included, for
   * the cache, rather than read back from the assembly (about 55 KB a stack, 110 MB for 2,000;
   * reading 6,000 files back took 1-2 s).
   */
  readonly derived = new Map<string, CachedStack>();
  private readonly toCheck: Group[] = [];
  /** Members of a shape being checked, derived once the check passes. */
  private readonly pending = new Set<string>();
  private readonly rebuild: StackPlan[] = [];
  private readonly checked: Array<{ key: string; entry: CachedStack }> = [];
  private readonly used = new Set<string>();
  /** The shape key of each stack not in the cache that has a shape, by stack name. */
  private readonly shapeOfStack = new Map<string, string>();
  private header: CachedStack['header'] | undefined;

  constructor(
    private readonly cache: StackCache,
    private readonly planned: readonly StackPlan[],
    private readonly inputs: ReadonlyMap<string, StackInputs>,
    private readonly rootOf: (plan: StackPlan) => string,
    private readonly outdir: string,
  ) {}

  /**
   * Groups the stacks not in the cache by shape; derives those whose shape's stand-in the cache
   * holds (writing their files), and picks the shapes of two or more stacks to check in this plan.
   */
  deriveFromStored(misses: readonly StackPlan[]): void {
    const groups = new Map<string, Group>();
    for (const plan of misses) {
      const shape = shapeOf(this.inputs.get(plan.name)!, this.rootOf(plan));
      if (!shape) continue;
      this.shapeOfStack.set(plan.name, shape.key);
      const group = groups.get(shape.key);
      if (group) group.members.push(plan);
      else groups.set(shape.key, { shape, members: [plan] });
    }
    const names = new Set(this.planned.map((p) => p.name));
    for (const group of groups.values()) {
      const { shape, members } = group;
      const stored = this.cache.read(shape.key, shape.standIn.stack);
      if (stored) {
        this.used.add(shape.key);
        this.header ??= stored.header;
        const deriver = new StackDeriver(stored, shape.standIn);
        // One that cannot be derived is not covered, so this plan's first build builds it.
        for (const member of members) this.keep(member, deriver.derive(identityOf(this.inputs.get(member.name)!)!));
        continue;
      }
      // A new shape costs two builds (its stand-in, and one member to check it against), so it
      // saves a build from three members on. Two shapes of one environment whose stand-ins share
      // a name cannot be built in one app: the second is built.
      if (members.length < 3 || names.has(shape.standIn.stack)) continue;
      names.add(shape.standIn.stack);
      this.toCheck.push(group);
      for (const member of members.slice(1)) this.pending.add(member.name);
    }
  }

  /** Whether the stack is derived, or will be once its shape is checked (so not built now). */
  covers(name: string): boolean {
    return this.derived.has(name) || this.pending.has(name);
  }

  /** The stand-ins to build with this plan's first build. */
  standInPlans(): StackPlan[] {
    return this.toCheck.map(({ shape, members }) => ({ ...members[0]!, name: shape.standIn.stack, service: shape.standIn.service, dependsOn: [] }));
  }

  /** The stand-ins' inputs, by stack name. */
  given(): Map<string, StackInputs> {
    return new Map(this.toCheck.map(({ shape }) => [shape.standIn.stack, shape.inputs]));
  }

  /** The assembly header of a stand-in read from the cache, when no stack was built or read. */
  storedHeader(): CachedStack['header'] | undefined {
    return this.header;
  }

  /**
   * Checks each shape built in `result`: derives its first member from its stand-in and compares it
   * with the member as built; derives the other members of each shape that passes, and leaves those
   * of a shape that fails to be built (`failed`). Removes the stand-ins from the assembly folder and
   * from `artifacts`, and returns the result without them.
   */
  checkStandIns(result: SynthesisResult, artifacts: Record<string, Artifact>, header: CachedStack['header']): SynthesisResult {
    const standIns = new Set(this.toCheck.map((g) => g.shape.standIn.stack));
    for (const { shape, members } of this.toCheck) {
      const standInPlan = { ...members[0]!, name: shape.standIn.stack, dependsOn: [] };
      const entry = entryOf(this.outdir, standInPlan, result, artifacts, header);
      // Its own files only: an asset folder (none in service stacks today) may be another stack's too.
      for (const file of entry.files) if (!file.path.startsWith('asset.')) rmSync(join(this.outdir, file.path), { force: true });
      delete artifacts[shape.standIn.stack];
      delete artifacts[`${shape.standIn.stack}.assets`];
      const deriver = new StackDeriver(entry, shape.standIn);
      const first = members[0]!;
      const derived = deriver.derive(identityOf(this.inputs.get(first.name)!)!);
      const why = derived ? stackDifference(derived, entryOf(this.outdir, first, result, artifacts, header), first) : (deriver.unusable ?? 'the first member could not be derived');
      if (why) {
        mark(`shape of ${first.name} not used: ${why}`);
        for (const member of members.slice(1)) this.toRebuild(member);
        continue;
      }
      this.checked.push({ key: shape.key, entry });
      this.used.add(shape.key);
      for (const member of members.slice(1)) {
        this.pending.delete(member.name);
        if (!this.keep(member, deriver.derive(identityOf(this.inputs.get(member.name)!)!))) this.toRebuild(member);
      }
    }
    const own = (stack: string) => !standIns.has(stack);
    return {
      stacks: result.stacks.filter((s) => own(s.name)),
      findings: result.findings.filter((f) => own(f.path.split('/')[0]!)),
      acknowledgements: result.acknowledgements.filter((a) => own(a.stack)),
    };
  }

  /** Stacks that must still be built: members of shapes that failed their check, and stacks that could not be derived. */
  failed(): StackPlan[] {
    const order = new Map(this.planned.map((p, i) => [p.name, i]));
    return [...this.rebuild].sort((a, b) => order.get(a.name)! - order.get(b.name)!);
  }

  /** The stand-ins that passed their check in this plan, for the cache. */
  checkedStandIns(): Iterable<{ key: string; entry: CachedStack }> {
    return this.checked;
  }

  /** The shape key of a stack this plan built or derived, when it has a shape. */
  shapeKeyOf(name: string): string | undefined {
    return this.shapeOfStack.get(name);
  }

  /** Keys of the shapes this plan used, read or checked (kept when the cache is pruned). */
  keys(): Iterable<string> {
    return this.used;
  }

  /** Writes a derived stack's files and keeps its entry; false (nothing kept) when it could not be derived. */
  private keep(member: StackPlan, entry: CachedStack | undefined): boolean {
    if (!entry) {
      mark(`${member.name} not derived from its shape: built`);
      return false;
    }
    writeCachedFiles(this.outdir, entry);
    this.derived.set(member.name, { ...entry, shape: this.shapeOfStack.get(member.name) });
    return true;
  }

  private toRebuild(member: StackPlan): void {
    this.pending.delete(member.name);
    if (!this.rebuild.includes(member)) this.rebuild.push(member);
  }
}

/**
 * How a derived stack differs from the same stack built, or undefined when it does not. The
 * artifacts' dependencies on the stacks the plan orders it after are left out: a build lists those
 * only when they share its app, and the plan adds them to every stack anyway (stackDependencies).
 */
export function stackDifference(derived: CachedStack, built: CachedStack, plan: StackPlan): string | undefined {
  if (derived.files.length !== built.files.length) return 'another number of files';
  for (let i = 0; i < built.files.length; i++) {
    const [d, b] = [derived.files[i]!, built.files[i]!];
    if (d.path !== b.path || !d.bytes.equals(b.bytes)) return `${b.path} differs`;
  }
  const artifacts = (entry: CachedStack) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(entry.artifacts).map(([id, a]) => {
          const dependencies = (a.dependencies ?? []).filter((d) => !plan.dependsOn.includes(d));
          const { dependencies: _, ...rest } = a;
          return [id, dependencies.length > 0 ? { ...rest, dependencies } : rest];
        }),
      ),
    );
  if (artifacts(derived) !== artifacts(built)) return 'its artifacts differ';
  for (const part of ['stack', 'findings', 'acknowledgements'] as const) {
    if (JSON.stringify(derived[part]) !== JSON.stringify(built[part])) return `its ${part} differ`;
  }
  return undefined;
}
