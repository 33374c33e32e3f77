import type { EstateSpec } from '../manifest/spec';
import type { EnvironmentAllocation } from './allocation';
import { type EnvironmentLock, type Lock, mayBeDeployed, type StackEntry } from './lock-entries';
import { deliveryStacks } from '../delivery/delivery-plan';
import { stackName } from '../naming/names';

/** One stack the estate needs, before any CDK construct exists. */
export interface StackPlan {
  readonly name: string;
  /**
   * `removal`: what is left of a stack leaving the estate (a removed service, a shard no longer
   * needed): no resources but a placeholder, so that deploying it deletes what the stack held
   * (retained resources stay) and cityplan deploy then deletes the stack.
   * `delivery` and `pipeline`: the stacks of the delivery account (delivery/delivery-plan.ts), whose
   * `environment` is DELIVERY.
   */
  readonly role: 'foundation' | 'certificate' | 'ingress' | 'service' | 'removal' | 'delivery' | 'pipeline';
  readonly environment: string;
  readonly shard?: number;
  readonly service?: string;
  /**
   * An ingress shard no longer needed in a protected environment: deployed once with deletion
   * protection lifted, so that the next plan's removal can delete its load balancer.
   */
  readonly retiring?: boolean;
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
 * Every stack of the estate in a fixed order: per environment its foundation, its certificate,
 * its ingress shards, its services by name, then the stacks leaving it (from the previous lock).
 * A service stack depends on the stacks of the services it calls or subscribes to.
 */
export function planStacks(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  selection: StackSelection = {},
  previous?: Lock,
): StackPlan[] {
  const plans: StackPlan[] = [];
  for (const env of spec.environments) {
    if (selection.environment && env.name !== selection.environment) continue;
    const placed = allocation.get(env.name)!;
    const foundation = stackName.foundation(spec.name, env.name);
    const certificate = stackName.certificate(spec.name, env.name);
    const wanted = new Set<string>([foundation, certificate]);
    if (!selection.service) {
      plans.push({ name: foundation, role: 'foundation', environment: env.name, dependsOn: [] });
      plans.push({ name: certificate, role: 'certificate', environment: env.name, dependsOn: [foundation] });
    }
    for (const shard of placed.shards) {
      const name = stackName.ingress(spec.name, env.name, shard.id);
      wanted.add(name);
      if (!selection.service) plans.push({ name, role: 'ingress', environment: env.name, shard: shard.id, dependsOn: [certificate] });
    }
    for (const service of spec.services.get(env.name) ?? []) {
      const name = stackName.service(spec.name, env.name, service.name);
      wanted.add(name);
      if (selection.service && service.name !== selection.service) continue;
      const shard = service.kind === 'web' ? placed.placements[service.name]!.shard : undefined;
      // What the stack reads must exist first: its shard's listener, or the foundation's network;
      // the backends it calls (their security groups) and the topics it subscribes to.
      const linked = [...service.calls, ...service.subscribe.map((s) => s.service)].filter((s) => s !== service.name);
      plans.push({
        name,
        role: 'service',
        environment: env.name,
        ...(shard !== undefined ? { shard } : {}),
        service: service.name,
        dependsOn: [
          shard !== undefined ? stackName.ingress(spec.name, env.name, shard) : foundation,
          ...[...new Set(linked)].sort().map((s) => stackName.service(spec.name, env.name, s)),
        ],
      });
    }
    const before = previous?.environments[env.name];
    if (before) plans.push(...leavingStacks(before, wanted, env.name, env.protect, selection));
  }
  const delivery = deliveryStacks(spec, selection, previous);
  plans.push(...delivery.plans);
  if (delivery.before) plans.push(...leavingStacks(delivery.before, delivery.wanted, delivery.environment, false, selection));
  return plans;
}

/**
 * Stacks in the lock that the estate no longer has. A removed service's stack leaves in a plan of
 * its environment (or of that service); a shard only in a plan of the whole environment, and in a
 * protected one in two steps: first without deletion protection, then removed.
 */
export function leavingStacks(
  before: EnvironmentLock,
  wanted: ReadonlySet<string>,
  environment: string,
  protect: boolean,
  selection: StackSelection,
): StackPlan[] {
  const plans: StackPlan[] = [];
  for (const [name, stack] of Object.entries(before.stacks).sort(([a], [b]) => a.localeCompare(b))) {
    if (wanted.has(name)) continue;
    // Never deployed (nor tried): nothing of it is in AWS, so there is nothing to remove; the lock
    // forgets it with this plan.
    if (!mayBeDeployed(stack)) continue;
    if (selection.service && stack.service !== selection.service) continue;
    const base = { name, environment, ...(stack.shard !== undefined ? { shard: stack.shard } : {}), ...(stack.service ? { service: stack.service } : {}), dependsOn: [] };
    if (stack.role === 'ingress' && protect && mustUnprotect(stack)) plans.push({ ...base, role: 'ingress', retiring: true });
    else plans.push({ ...base, role: 'removal' });
  }
  return plans;
}

/** A protected shard's load balancer keeps deletion protection until a deploy has lifted it. */
function mustUnprotect(stack: StackEntry): boolean {
  return stack.removal !== 'unprotected' && stack.removal !== 'drained';
}
