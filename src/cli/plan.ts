import { relative } from 'node:path';
import { type PlanResult, planEstate } from '../estate/plan';
import { refuseEstateOwnFile } from '../files/estate-paths';
import type { Output } from './output';
import { type PlanView, renderPlan } from './plan-view';

export interface PlanFlags extends ViewFlags {
  readonly env?: string;
  readonly service?: string;
  readonly out: string;
  readonly json?: boolean;
  /** False with --no-cache: build every stack rather than reuse unchanged ones from the plan cache. */
  readonly cache?: boolean;
}

/** How the text of a plan is laid out (plan and deploy print it); --json ignores them. */
export interface ViewFlags {
  /** Counts per environment instead of one row per service. */
  readonly summary?: boolean;
  /** One row per service, however large the estate. */
  readonly detail?: boolean;
  /** The acknowledged policy findings with their reasons. */
  readonly findings?: boolean;
}

/** Exit 2 for an --out that is the estate's own file or folder: the assembly would replace it. */
export async function planCommand(dir: string, flags: PlanFlags, io: Output): Promise<number> {
  refuseEstateOwnFile(dir, flags.out, '--out', 'cdk.out');
  const result = await planEstate(dir, { environment: flags.env, service: flags.service, out: flags.out, cache: flags.cache !== false });
  io.out(flags.json ? JSON.stringify(toJson(result), null, 2) : renderPlan(result, planView(flags)));
  return 0;
}

/** The view the flags ask for (main.ts makes --summary and --detail exclusive). */
export function planView(flags: ViewFlags): PlanView {
  return { layout: flags.summary ? 'summary' : flags.detail ? 'detail' : undefined, findings: flags.findings };
}

/**
 * The contract's `plan --json` shape, plus keys of its own: per environment its settings and
 * `prerequisites`, per service its size, and `findings.acknowledgements` with every reason.
 */
export function toJson(r: PlanResult) {
  return {
    estate: r.estate,
    environments: r.environments,
    prerequisites: r.prerequisites,
    stacks: r.stacks.map((s) => ({ name: s.name, resources: s.resources, bytes: s.bytes, environment: s.environment, service: s.service })),
    findings: r.findings,
    changes: r.changes,
    assembly: relative(process.cwd(), r.assembly) || '.',
    lock: { path: relative(process.cwd(), r.lock.path), changed: r.lock.changed },
    cache: { reused: r.cache.reused, derived: r.cache.derived, built: r.cache.built, standIns: r.cache.standIns },
  };
}
