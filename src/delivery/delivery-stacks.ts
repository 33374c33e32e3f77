import type { App, Stack } from 'aws-cdk-lib';
import type { EstateSpec } from '../manifest/spec';
import { RemovalStack } from '../platform/removal-stack';
import type { StackPlan } from '../estate/stack-plan';
import { deliveryTargets } from './delivery-plan';
import { DeliveryStack } from './delivery-stack';
import { PipelineStack } from './pipeline-stack';
import { DELIVERY } from '../naming/names';
import { SHARED_SERVICE } from '../policy/tags';

/**
 * Builds one stack of the delivery account (a plan whose environment is DELIVERY): the shared
 * delivery stack, a service's pipeline stack, or what is left of a pipeline stack leaving the estate.
 */
export function buildDeliveryStack(app: App, spec: EstateSpec, plan: StackPlan): Stack {
  const common = {
    env: { account: spec.delivery.account, region: spec.region },
    stackName: plan.name,
    // Cost-allocation tags, as on every environment's stacks (compile.ts): shared until a service's.
    tags: { 'cityplan:estate': spec.name, 'cityplan:environment': DELIVERY, 'cityplan:service': SHARED_SERVICE, 'cityplan:owner': spec.owner },
    estate: spec.name,
  };
  if (plan.role === 'delivery') {
    return new DeliveryStack(app, plan.name, {
      ...common,
      description: `cityplan ${spec.name}: what the service pipelines share (key, artifact bucket)`,
      environmentAccounts: spec.environments.map((e) => e.account),
    });
  }
  if (plan.role === 'pipeline' && spec.delivery.repo) {
    const targets = deliveryTargets(spec).get(plan.service!)!;
    return new PipelineStack(app, plan.name, {
      ...common,
      tags: { ...common.tags, 'cityplan:service': plan.service!, 'cityplan:owner': ownerOf(spec, plan.service!) },
      description: `cityplan ${spec.name}: image repository, build and pipeline of ${plan.service}`,
      targets,
      delivery: { ...spec.delivery, repo: spec.delivery.repo },
    });
  }
  return new RemovalStack(app, plan.name, {
    env: common.env,
    stackName: plan.name,
    tags: common.tags,
    description: `cityplan ${spec.name}: pipeline of ${plan.service ?? plan.name}, removed from the estate; cityplan deploy deletes this stack (its image repository stays)`,
  });
}

/** Who owns a service's pipeline: its owner in the first environment that runs it (the estate's owner otherwise). */
function ownerOf(spec: EstateSpec, service: string): string {
  for (const env of spec.environments) {
    const found = spec.services.get(env.name)?.find((s) => s.name === service);
    if (found?.owner) return found.owner;
  }
  return spec.owner;
}
