import { relative } from 'node:path';
import { type PlanResult, planEstate } from '../estate/plan';
import type { Output } from './output';
import { renderPlan } from './plan-view';

export interface PlanFlags {
  readonly env?: string;
  readonly service?: string;
  readonly out: string;
  readonly json?: boolean;
}

export async function planCommand(dir: string, flags: PlanFlags, io: Output): Promise<number> {
  const result = await planEstate(dir, { environment: flags.env, service: flags.service, out: flags.out });
  io.out(flags.json ? JSON.stringify(toJson(result), null, 2) : renderPlan(result));
  return 0;
}

/** The contract's `plan --json` shape, plus a few extra keys. */
function toJson(r: PlanResult) {
  return {
    estate: r.estate,
    environments: r.environments,
    stacks: r.stacks.map((s) => ({ name: s.name, resources: s.resources, bytes: s.bytes, environment: s.environment, service: s.service })),
    findings: r.findings,
    changes: r.changes,
    assembly: relative(process.cwd(), r.assembly) || '.',
    lock: { path: relative(process.cwd(), r.lock.path), changed: r.lock.changed },
  };
}
