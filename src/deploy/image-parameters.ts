import { StackParameters } from '@aws-cdk/toolkit-lib';
import type { PreparedEstate } from '../estate/prepare';
import type { StackPlan } from '../estate/stack-plan';
import { parameter, resourceName } from '../naming/names';
import { type LastImageReader, ssmLastImage } from './last-image';
import { SkipStack } from './order';

/**
 * The parameters an estate deploy gives a stack. A stack keeps every deployed parameter value,
 * ImageTag above all (its service's pipeline sets it): an estate deploy never puts an older image
 * on a service. A service stack the estate deploys for the first time takes the image its pipeline
 * last recorded as deployed successfully in that environment, when there is one.
 *
 * A recorded image also says that the pipeline created the stack: the lock, which only knows what
 * estate deploys did, need not (`recorded`).
 *
 * @throws SkipStack when a new source-built service of an estate with pipelines has no recorded
 *   image (its pipeline has not deployed it yet): deploying it would start tasks on no image
 * @throws Error when the record cannot be read
 */
export async function imageParameters(
  plan: StackPlan,
  prepared: PreparedEstate,
  newStacks: ReadonlySet<string>,
  deps: { readonly lastImage?: LastImageReader },
): Promise<{ parameters: StackParameters; recorded: boolean }> {
  const { spec } = prepared;
  const keep = { parameters: StackParameters.onlyExisting(), recorded: false };
  if (plan.role !== 'service' || !newStacks.has(plan.name)) return keep;
  const service = spec.services.get(plan.environment)?.find((s) => s.name === plan.service);
  if (!service || service.image) return keep;
  const name = parameter.lastImage(spec.name, service.name, plan.environment);
  let tag: string | undefined;
  try {
    tag = await (deps.lastImage ?? ssmLastImage(spec.region))(name);
  } catch (e) {
    if (!spec.delivery.repo) return keep;
    throw new Error(`cannot read ${name} in the delivery account ${spec.delivery.account} (${(e as Error).name}: ${(e as Error).message}), so the image ${service.name} should run in ${plan.environment} is unknown; deploy with credentials of the delivery account`);
  }
  if (tag) return { parameters: StackParameters.withExisting({ ImageTag: tag }), recorded: true };
  if (spec.delivery.repo) {
    throw new SkipStack(`${service.name} has no image that deployed successfully in ${plan.environment} yet: its pipeline (${resourceName.pipeline(spec.name, service.name)}) deploys it once it has built one`);
  }
  return keep;
}
