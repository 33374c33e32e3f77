/**
 * What an environment with `egress: endpoints` cannot do: pull an image from anywhere but ECR in its
 * own region. Its tasks have no route out of the VPC (src/platform/egress-plan.ts); ECS pulls images
 * through the ECR interface endpoints, and a VPC endpoint serves its own region only (AWS
 * PrivateLink: no cross-region requests). Any account's registry of that region is reachable: the
 * endpoint's private DNS covers `*.dkr.ecr.<region>.amazonaws.com`, and whether the pull is allowed
 * is the repository policy's and the execution role's question, as with NAT.
 */
import { ecrImage } from './image';
import type { Problem } from './problems';
import type { ServiceContext } from './rules';

/** Whether ECS can pull `image` through the ECR interface endpoints of a VPC in `region`. */
export function pullableThroughEndpoints(image: string, region: string): boolean {
  const ecr = ecrImage(image);
  // FIPS registries (`dkr.ecr-fips`) have endpoint services of their own, which cityplan does not create.
  return ecr !== undefined && ecr.region === region && !image.includes('.dkr.ecr-fips.');
}

/**
 * One problem per service and environment whose image an `endpoints` environment cannot pull: a
 * prebuilt `image` outside that region's ECR (at the `image` line of whichever file set it), or a
 * source-built service when the environment's region is not the delivery region, where the
 * pipeline pushes its image (at `source.repo`).
 * @param deliveryRegion the estate `region`: where the delivery account's image repositories are
 */
export function egressRules(contexts: readonly ServiceContext[], deliveryRegion: string): Problem[] {
  const problems: Problem[] = [];
  for (const ctx of contexts) {
    const env = ctx.env;
    if (env.egress !== 'endpoints') continue;
    const { image, source } = ctx.spec;
    // Both or neither is sourceOrImage's problem; one mistake, one message.
    if (Boolean(image) === Boolean(source?.repo) || ctx.failed(['image'], ['source', 'repo'])) continue;
    const fixes = `set egress: nat-single for ${env.name} in estate.yaml`;
    if (image && !pullableThroughEndpoints(image, env.region)) {
      const ecr = ecrImage(image);
      const why = ecr
        ? `is in ECR of ${ecr.region}${image.includes('.dkr.ecr-fips.') ? ' (FIPS)' : ''}, and VPC endpoints reach their own region only`
        : 'is not in a private ECR registry, and the tasks have no way to the internet';
      problems.push(
        ctx.problem(
          ['image'],
          `environment ${env.name} has egress: endpoints, so its tasks can pull only from ECR in ${env.region}; ${image} ${why}: build it with source instead, copy it into a repository such as ${env.account}.dkr.ecr.${env.region}.amazonaws.com/${ctx.spec.name} (or an ECR pull-through cache rule there), or ${fixes}`,
        ),
      );
    }
    if (source?.repo && env.region !== deliveryRegion) {
      problems.push(
        ctx.problem(
          ['source', 'repo'],
          `environment ${env.name} has egress: endpoints in ${env.region}, but the pipeline pushes this service's image to the delivery account's ECR in ${deliveryRegion}, and VPC endpoints reach their own region only: ${fixes}, or run ${env.name} in ${deliveryRegion}`,
        ),
      );
    }
  }
  return problems;
}
