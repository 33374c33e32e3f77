import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestFileOf } from '../estate/plan';
import { prepareEstate } from '../estate/prepare';
import { planStacks } from '../estate/stack-plan';
import { synthesizeStacks } from '../estate/synthesize';
import { removeIfPresent } from '../files/remove';
import type { Problem } from '../manifest/problems';
import { principleResults, type PrincipleResult } from './ncsc';

export interface PolicyAssessment {
  readonly estate: string;
  readonly principles: readonly PrincipleResult[];
  /** Every unacknowledged finding of the plan, as a problem naming the manifest its stack comes from. */
  readonly problems: readonly Problem[];
  readonly acknowledged: number;
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
      problems: synthesis.findings.map((f) => ({ file: fileOf(f.path.split('/')[0]!), field: f.path, message: `${f.rule}: ${f.description}` })),
      acknowledged: synthesis.acknowledgements.length,
    };
  } finally {
    removeIfPresent(outdir);
  }
}
