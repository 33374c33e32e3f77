import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestFileOf } from '../estate/plan';
import { prepareEstate } from '../estate/prepare';
import { planStacks } from '../estate/stack-plan';
import { synthesizeStacks } from '../estate/synthesize';
import { removeIfPresent } from '../files/remove';
import type { Problem } from '../manifest/problems';
import { findingProblem } from './finding-fields';
import { principleResults, type PrincipleResult } from './ncsc';

export interface PolicyAssessment {
  readonly estate: string;
  readonly principles: readonly PrincipleResult[];
  /** Every unacknowledged finding of the plan, as a problem naming the manifest its stack comes from. */
  readonly problems: readonly Problem[];
  readonly acknowledged: number;
  /** Per environment, the run-time services the table's Config column and principle 5 rely on. */
  readonly environments: ReadonlyArray<{ readonly name: string; readonly configRecorder: boolean; readonly guardduty: boolean }>;
}

/**
 * The estate's policy as `cityplan policy` shows it: the plan's findings (synthesized in this
 * thread into a temporary folder, removed afterwards; the lock and any assembly are left alone)
 * per NCSC principle.
 * @throws EstateError when the estate does not validate, as plan would
 */
export function assessPolicy(dir: string): PolicyAssessment {
  const prepared = prepareEstate(dir);
  const { spec, allocation, previous } = prepared;
  const planned = planStacks(spec, allocation, {}, previous);
  const outdir = mkdtempSync(join(tmpdir(), 'cityplan-policy-'));
  try {
    const synthesis = synthesizeStacks(spec, allocation, planned, outdir);
    const fileOf = manifestFileOf(spec, previous, planned);
    return {
      estate: spec.name,
      principles: principleResults(
        synthesis.findings.map((f) => f.rule),
        synthesis.acknowledgements.map((a) => a.rule),
      ),
      problems: synthesis.findings.map((f) => findingProblem(spec.dir, fileOf(f.path.split('/')[0]!), f)),
      acknowledged: synthesis.acknowledgements.length,
      environments: spec.environments.map((e) => ({ name: e.name, configRecorder: e.config.recorder, guardduty: e.guardduty })),
    };
  } finally {
    removeIfPresent(outdir);
  }
}
