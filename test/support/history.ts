import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { recordDeployment } from '../../src/estate/deployment';
import { readLock, writeLock } from '../../src/estate/lock';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { type PlanOptions, type PlanResult, planEstate } from '../../src/estate/plan';
import { deployAssembly, emptyWorld, readAssembly, type World } from './cloudformation';
import { writeEstate } from './estate-files';

/**
 * An estate that lives through several plans and deploys, with what is deployed modelled
 * (cloudformation.ts) and the lock updated after each deploy as `cityplan deploy` updates it.
 */
export class EstateHistory {
  readonly dir: string;
  world: World = emptyWorld();

  constructor(files: Readonly<Record<string, string>>) {
    this.dir = writeEstate(files);
  }

  /** Writes (or, with undefined, deletes) a file of the estate. */
  set(path: string, text: string | undefined): this {
    const file = join(this.dir, path);
    if (text === undefined) rmSync(file, { force: true });
    else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    }
    return this;
  }

  plan(options: Omit<PlanOptions, 'out'> = {}): Promise<PlanResult> {
    return planEstate(this.dir, { ...options, out: join(mkdtempSync(join(tmpdir(), 'cityplan-history-')), 'assembly') });
  }

  /**
   * Deploys a plan's assembly over the modelled estate, then deletes its removal stacks; returns
   * every collision any allowed deploy order could meet (none, if the plan is right).
   */
  deploy(plan: PlanResult): string[] {
    const assembly = readAssembly(plan.assembly);
    const removals = new Set(plan.changes.removed.filter((r) => r.step === 'remove').map((r) => r.stack));
    const check = deployAssembly(this.world, assembly, removals);
    this.world = check.world;
    const { lock } = readLock(this.dir);
    const next = recordDeployment(lock, { deployed: [...assembly.keys()], destroyed: [...removals], removals });
    writeLock(this.dir, next);
    return check.collisions;
  }

  /** Plans, expecting the plan to fail; returns its problems. */
  async problems(options: Omit<PlanOptions, 'out'> = {}): Promise<readonly Problem[]> {
    try {
      await this.plan(options);
    } catch (e) {
      if (e instanceof EstateError) return e.problems;
      throw e;
    }
    throw new Error('expected the plan to fail');
  }

  /** Plans, expecting success, and deploys; returns the plan and the deploy's collisions. */
  async step(options: Omit<PlanOptions, 'out'> = {}): Promise<{ plan: PlanResult; collisions: string[] }> {
    const plan = await this.plan(options);
    return { plan, collisions: this.deploy(plan) };
  }
}
