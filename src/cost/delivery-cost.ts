/**
 * The delivery account's month with `delivery.repo`: each service's pipeline (CodePipeline V2
 * action minutes), its builds (CodeBuild, the compute type delivery/pipeline-stack.ts uses) and its
 * image repository (ECR storage). A service built from `image` has a pipeline but no build or
 * repository of its own.
 */
import type { EnvironmentSpec, ServiceSpec } from '../manifest/spec';
import { IMAGES_KEPT } from '../delivery/pipeline-stack';
import { type CostLine, line, sum } from './lines';
import type { PriceTable } from './prices';
import type { ServiceCost } from './service-cost';
import { type EstateQuantities, serviceQuantities } from './usage';

/** GB of new image layers one build adds to its repository (layers shared between builds are stored once). */
export const IMAGE_GB_PER_BUILD = 0.1;
/** Minutes the source action takes (CodeConnections checkout). */
const SOURCE_MINUTES = 1;

/**
 * The pipeline of `service` (as it runs in `targets`, in estate order: the first environment's
 * spec sets its builds). Manual approvals are not action minutes (CodePipeline pricing: V2 bills
 * the minutes actions run, approvals excepted).
 */
export function pipelineCost(name: string, targets: ReadonlyArray<{ environment: EnvironmentSpec; service: ServiceSpec }>, prices: PriceTable, usage: EstateQuantities): ServiceCost {
  const first = targets[0]!.service;
  const builds = serviceQuantities(first).buildsPerMonth;
  const built = first.source !== undefined;
  const minutesPerRun = SOURCE_MINUTES + (built ? usage.buildMinutes : 0) + usage.deployMinutes * targets.length;
  const lines: CostLine[] = [
    line(`CodePipeline V2 action minutes (${builds} runs × ${minutesPerRun} minutes)`, builds * minutesPerRun, prices.pipelineActionMinute),
    ...(built
      ? [
          line('CodeBuild general1.small build minutes', builds * usage.buildMinutes, prices.codebuildSmallMinute),
          // Steady state: the repository keeps the newest IMAGES_KEPT images, or a year of builds.
          line(`ECR storage (${Math.min(IMAGES_KEPT, builds * 12)} images)`, Math.min(IMAGES_KEPT, builds * 12) * IMAGE_GB_PER_BUILD, prices.ecrGbMonth),
        ]
      : []),
  ].filter((l) => l.quantity > 0);
  const monthly = sum(lines.map((l) => l.monthly));
  return { name, kind: first.kind, owner: first.owner ?? null, monthly, ceiling: monthly, lines };
}
