/**
 * The report's data, from the plan `cityplan plan` makes (src/estate/plan.ts `planEstate`): the
 * same checks, so an estate that would not plan has no report. The cloud assembly goes to a
 * temporary folder, removed afterwards; the lock is updated as a plan updates it (when the
 * allocation changed), so that the shards and rules the report shows are those the lock keeps.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentAllocation } from '../estate/allocation';
import { environmentNamed, planEstate } from '../estate/plan';
import { prepareEstate } from '../estate/prepare';
import { removeIfPresent } from '../files/remove';
import type { EstateSpec } from '../manifest/spec';
import { cityplanVersion } from '../cli/version';
import { type CostInput, type ReportModel, reportModel } from './model';

export interface ReportBuild {
  /** The environment the diagram draws; checked before planning. */
  readonly diagramEnvironment?: string;
  /**
   * The cost model: given the estate and its allocation, the monthly estimate (the shape of
   * src/cost/estimate.ts `estimateCost`). Absent: the report shows '—' for every cost.
   */
  readonly estimate?: (spec: EstateSpec, allocation: ReadonlyMap<string, EnvironmentAllocation>) => CostInput;
  /** When the report says it was planned; default now. */
  readonly now?: Date;
  /** Called once the estate is loaded and the diagram environment checked, just before planning. */
  readonly planning?: () => void;
}

/**
 * Plans the estate in `dir` and returns the report's data.
 * @throws EstateError as `cityplan plan` would (validation, policy, quotas); UsageError for an unknown diagram environment
 */
export async function buildReportModel(dir: string, options: ReportBuild = {}): Promise<ReportModel> {
  const prepared = prepareEstate(dir);
  if (options.diagramEnvironment !== undefined) environmentNamed(prepared.spec, options.diagramEnvironment);
  options.planning?.();
  const scratch = mkdtempSync(join(tmpdir(), 'cityplan-report-'));
  try {
    // Through the plan cache, as `cityplan plan`: a report of a large estate takes seconds, not a cold plan's minute.
    const plan = await planEstate(dir, { out: join(scratch, 'cdk.out'), cache: true }, prepared);
    return reportModel({
      plan,
      spec: prepared.spec,
      plannedAt: options.now ?? new Date(),
      version: cityplanVersion(),
      ...(options.estimate ? { costs: options.estimate(prepared.spec, prepared.allocation) } : {}),
    });
  } finally {
    removeIfPresent(scratch);
  }
}
