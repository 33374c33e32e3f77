import { StackParameters } from '@aws-cdk/toolkit-lib';
import type { PreparedEstate } from '../estate/prepare';
import type { StackPlan } from '../estate/stack-plan';
import { parameter, resourceName } from '../naming/names';
import { type LastImageReader, ssmLastImage } from './last-image';
import { AwaitsPipeline } from './order';

/**
 * The parameters an estate deploy gives a stack: every deployed parameter value kept, ImageTag
 * above all (its service's pipeline sets it), so an estate deploy never puts an older image on a
 * service.
 *
 * For a source-built service's stack that no estate deploy has touched (by the lock), the record
 * of the last image its pipeline deployed successfully in that environment says whether the
 * pipeline has created the stack: with a record, the stack exists (made by the pipeline, which the
 * lock cannot know: `recorded`) and keeps its image, which may be newer than the record while the
 * pipeline's verify step runs; without one, nothing has run it yet.
 *
 * @throws AwaitsPipeline when a new source-built service of an estate with pipelines has no recorded
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
  if (tag) return { parameters: StackParameters.onlyExisting(), recorded: true };
  if (spec.delivery.repo) {
    throw new AwaitsPipeline(`${service.name} has no image that deployed successfully in ${plan.environment} yet: its pipeline (${resourceName.pipeline(spec.name, service.name)}) deploys it once it has built one`);
  }
  return keep;
}
