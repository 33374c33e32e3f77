/**
 * What each stack of the estate is built from, as plain data (compile.ts builds every stack from
 * this and from nothing else; the plan cache keys each stack on it). No CDK module is loaded here,
 * so that a plan served wholly from the cache never loads the construct library.
 */
import type { EstateSpec, ServiceSpec } from '../manifest/spec';
import { DELIVERY } from '../naming/names';
import { SHARED_SERVICE } from '../policy/service-tag';
import type { Callee } from '../service/service-task';
import type { EnvironmentAllocation } from './allocation';
import type { StackPlan } from './stack-plan';

/**
 * Everything the constructor of one stack receives, as plain data: a stack's template and what the
 * plan reads from it are a function of this (and of cityplan's own code and its libraries), which
 * is why the plan cache (stack-cache.ts) keys each stack on exactly this object.
 */
export type StackInputs =
  | { readonly plan: StackPlan; readonly role: 'delivery' | 'pipeline'; readonly spec: EstateSpec }
  | { readonly plan: StackPlan; readonly role: Exclude<StackPlan['role'], 'delivery' | 'pipeline'>; readonly kind?: ServiceSpec['kind']; readonly props: Record<string, unknown> };

/** What `plan`'s stack is built from (see StackInputs). */
export function stackInputs(spec: EstateSpec, allocation: ReadonlyMap<string, EnvironmentAllocation>, plan: StackPlan): StackInputs {
  if (plan.environment === DELIVERY) return { plan, role: plan.role as 'delivery' | 'pipeline', spec };
  const env = spec.environments.find((e) => e.name === plan.environment)!;
  const common = {
    env: { account: env.account, region: env.region },
    stackName: plan.name,
    terminationProtection: env.protect,
    // Cost-allocation tags; a service stack's serviceTags replaces service and owner with its own.
    tags: { 'cityplan:estate': spec.name, 'cityplan:environment': env.name, 'cityplan:service': SHARED_SERVICE, 'cityplan:owner': spec.owner },
    estate: spec.name,
    environment: env,
  };
  if (plan.role === 'foundation') {
    return {
      plan,
      role: plan.role,
      props: {
        ...common,
        description: `cityplan ${spec.name}/${env.name}: network, cluster, key, DNS, certificate, logs, alerts, firewall`,
        alertEmails: spec.alerts.email,
        openSearch: spec.logs.opensearch,
        runbooks: spec.runbooks,
      },
    };
  }
  if (plan.role === 'certificate') {
    return { plan, role: plan.role, props: { ...common, description: `cityplan ${spec.name}/${env.name}: wildcard certificate for *.${env.domain}` } };
  }
  if (plan.role === 'ingress') {
    return {
      plan,
      role: plan.role,
      props: {
        ...common,
        description: `cityplan ${spec.name}/${env.name}: load balancer shard ${plan.shard}${plan.retiring ? ' (retiring)' : ''}`,
        shard: plan.shard!,
        retiring: plan.retiring,
      },
    };
  }
  if (plan.role === 'removal') {
    return {
      plan,
      role: plan.role,
      props: {
        env: common.env,
        stackName: plan.name,
        tags: common.tags,
        description: `cityplan ${spec.name}/${env.name}: ${plan.service ? `service ${plan.service}` : plan.name}, removed from the estate; cityplan deploy deletes this stack`,
      },
    };
  }
  const services = spec.services.get(env.name)!;
  const service = indexOf(services).byName.get(plan.service!)!;
  const placed = allocation.get(env.name)!;
  return {
    plan,
    role: 'service',
    kind: service.kind,
    props: {
      ...serviceLinks(service, services),
      ...common,
      description: `cityplan ${spec.name}/${env.name}: ${service.kind} service ${service.name}`,
      service,
      deliveryAccount: spec.delivery.account,
      deliveryRegion: spec.region,
      incarnation: placed.incarnations[service.name],
      ...(service.kind === 'web' ? { placement: placed.placements[service.name]! } : {}),
    },
  };
}

/**
 * Whom a service calls (with each callee's port) and who calls it, among the services of its
 * environment; a name that is no service there was refused by validation and is skipped.
 */
function serviceLinks(service: ServiceSpec, services: readonly ServiceSpec[]): { callees: Callee[]; callers: string[] } {
  const { byName, callersOf } = indexOf(services);
  const callees = service.calls.flatMap((name) => {
    const callee = byName.get(name);
    return callee ? [{ name, port: callee.port }] : [];
  });
  return { callees, callers: callersOf.get(service.name) ?? [] };
}

/** Per list of an environment's services: each by name, and who calls each (in list order). */
const indexes = new WeakMap<readonly ServiceSpec[], { byName: Map<string, ServiceSpec>; callersOf: Map<string, string[]> }>();

/** The index of a list of services, built once: a plan asks for every service's links, and thousands make it quadratic. */
function indexOf(services: readonly ServiceSpec[]): { byName: Map<string, ServiceSpec>; callersOf: Map<string, string[]> } {
  let index = indexes.get(services);
  if (index) return index;
  const byName = new Map(services.map((s) => [s.name, s]));
  const callersOf = new Map<string, string[]>();
  // A job's calls are refused by validation (standalone tasks have no Service Connect proxy); one it
  // inherits from the estate defaults is ignored.
  for (const s of services) {
    if (s.kind === 'job') continue;
    for (const name of new Set(s.calls)) callersOf.set(name, [...(callersOf.get(name) ?? []), s.name]);
  }
  index = { byName, callersOf };
  indexes.set(services, index);
  return index;
}
