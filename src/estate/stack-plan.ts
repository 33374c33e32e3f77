import type { EstateSpec } from '../manifest/spec';
import type { EnvironmentAllocation } from './allocation';
import { stackName } from './naming';

/** One stack the estate needs, before any CDK construct exists. */
export interface StackPlan {
  readonly name: string;
  readonly role: 'foundation' | 'ingress' | 'service';
  readonly environment: string;
  readonly shard?: number;
  readonly service?: string;
  /** Stacks to deploy first (ordering only: values flow through SSM, never exports). */
  readonly dependsOn: readonly string[];
}

export interface StackSelection {
  /** Only this environment. */
  readonly environment?: string;
  /**
   * Only this service's stacks: the shared stacks are deployed already and are found through SSM,
   * so a re-plan of one service constructs one service.
   */
  readonly service?: string;
}

/**
 * Every stack of the estate in a fixed order: per environment its foundation, its ingress shards,
 * then its web services by name. Worker and job services have no stacks yet.
 */
export function planStacks(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  selection: StackSelection = {},
): StackPlan[] {
  const plans: StackPlan[] = [];
  for (const env of spec.environments) {
    if (selection.environment && env.name !== selection.environment) continue;
    const placed = allocation.get(env.name)!;
    const foundation = stackName.foundation(spec.name, env.name);
    if (!selection.service) {
      plans.push({ name: foundation, role: 'foundation', environment: env.name, dependsOn: [] });
      for (const shard of placed.shards) {
        plans.push({
          name: stackName.ingress(spec.name, env.name, shard.id),
          role: 'ingress',
          environment: env.name,
          shard: shard.id,
          dependsOn: [foundation],
        });
      }
    }
    for (const service of spec.services.get(env.name) ?? []) {
      if (service.kind !== 'web' || (selection.service && service.name !== selection.service)) continue;
      const shard = placed.placements[service.name]!.shard;
      plans.push({
        name: stackName.service(spec.name, env.name, service.name),
        role: 'service',
        environment: env.name,
        shard,
        service: service.name,
        dependsOn: [stackName.ingress(spec.name, env.name, shard)],
      });
    }
  }
  return plans;
}
