import type { EstateSpec, EnvironmentSpec, ServiceSpec } from '../manifest/spec';
import { DELIVERY, stackName } from '../naming/names';
import type { EnvironmentLock, Lock } from '../estate/lock';
import type { StackPlan, StackSelection } from '../estate/stack-plan';

/**
 * The delivery account's stacks of an estate whose estate.yaml names its own repository
 * (`delivery.repo`): the shared delivery stack, then one pipeline stack per service, by name.
 * They are recorded in the lock under DELIVERY, as an environment's are under its name, so that a
 * removed service's pipeline leaves as any stack does (its repository retained).
 *
 * Planned with the whole estate or one service (`--service`: that service's pipeline); a plan of one
 * environment (`--env`) leaves them as they are.
 *
 * @returns the plans, the names the estate wants now, and the lock's delivery entry (for the stacks leaving)
 */
export function deliveryStacks(
  spec: EstateSpec,
  selection: StackSelection,
  previous?: Lock,
): { plans: StackPlan[]; wanted: Set<string>; environment: string; before?: EnvironmentLock } {
  const plans: StackPlan[] = [];
  const wanted = new Set<string>();
  const before = previous?.environments[DELIVERY];
  if (selection.environment) return { plans, wanted, environment: DELIVERY };
  if (spec.delivery.repo) {
    const shared = stackName.delivery(spec.name);
    wanted.add(shared);
    if (!selection.service) plans.push({ name: shared, role: 'delivery', environment: DELIVERY, dependsOn: [] });
    for (const service of [...deliveryTargets(spec).keys()]) {
      const name = stackName.pipeline(spec.name, service);
      wanted.add(name);
      if (selection.service && service !== selection.service) continue;
      plans.push({ name, role: 'pipeline', environment: DELIVERY, service, dependsOn: [shared] });
    }
  }
  return { plans, wanted, environment: DELIVERY, ...(before ? { before } : {}) };
}

/** Each service (by name) with the environments it runs in, in estate order. */
export function deliveryTargets(spec: EstateSpec): Map<string, Array<{ environment: EnvironmentSpec; service: ServiceSpec }>> {
  const targets = new Map<string, Array<{ environment: EnvironmentSpec; service: ServiceSpec }>>();
  for (const environment of spec.environments) {
    for (const service of spec.services.get(environment.name) ?? []) {
      targets.set(service.name, [...(targets.get(service.name) ?? []), { environment, service }]);
    }
  }
  return new Map([...targets].sort(([a], [b]) => a.localeCompare(b)));
}
