import { App, type Stack } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS, DISABLE_CREATION_STACK_TRACES, ENABLE_ADDITIONAL_METADATA_COLLECTION } from 'aws-cdk-lib/cx-api';
import type { EstateSpec, ServiceSpec } from '../manifest/spec';
import { CertificateStack } from '../platform/certificate-stack';
import { FoundationStack } from '../platform/foundation-stack';
import { IngressShardStack } from '../platform/ingress-shard-stack';
import { RemovalStack } from '../platform/removal-stack';
import { SERVICE_STACKS } from '../service/service-kinds';
import type { Callee } from '../service/service-task';
import { WebServiceStack } from '../service/web-service-stack';
import type { EnvironmentAllocation } from './allocation';
import type { Lock } from './lock';
import { availabilityZones, availableZoneCount, DELIVERY } from '../naming/names';
import { buildDeliveryStack } from '../delivery/delivery-stacks';
import { SHARED_SERVICE, tagResources } from '../policy/tags';
import { planStacks, type StackPlan, type StackSelection } from './stack-plan';

export interface CompileOptions extends StackSelection {
  /** Where the cloud assembly is written. */
  readonly outdir: string;
  /** Build exactly these stacks (a part of the estate, for parallel synthesis); default all selected. */
  readonly stacks?: readonly StackPlan[];
  /** The previous lock, whose stacks the estate no longer has are built as removals. */
  readonly previous?: Lock;
}

export interface CompiledStack {
  readonly stack: Stack;
  readonly plan: StackPlan;
}

/**
 * Builds the CDK app of an estate: per environment a foundation stack, a certificate stack, one
 * ingress stack per load-balancer shard, one stack per service, and what is left of the stacks
 * leaving the estate (see stack-plan.ts).
 */
export function compileEstate(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  options: CompileOptions,
): { app: App; stacks: CompiledStack[] } {
  const app = new App({
    outdir: options.outdir,
    context: {
      ...CURRENTLY_RECOMMENDED_FLAGS,
      // Thousands of stacks: skip the creation stack trace CDK would capture for every construct,
      // and the usage metadata it would record of every construct's props and method calls.
      [DISABLE_CREATION_STACK_TRACES]: true,
      [ENABLE_ADDITIONAL_METADATA_COLLECTION]: false,
      // The zones are named by cityplan; telling CDK so spares it an AWS lookup at plan time.
      ...Object.fromEntries(
        spec.environments.map((e) => [
          `availability-zones:account=${e.account}:region=${e.region}`,
          availabilityZones(e.region, availableZoneCount(e.region)),
        ]),
      ),
    },
    // Skip what only the CDK CLI reads.
    treeMetadata: false,
    analyticsReporting: false,
    stackTraces: false,
    builtinCloudFormationValidation: false,
  });
  const built = new Map<string, Stack>();
  const stacks: CompiledStack[] = [];
  for (const plan of options.stacks ?? planStacks(spec, allocation, options, options.previous)) {
    const stack = buildStack(app, stackInputs(spec, allocation, plan));
    built.set(plan.name, stack);
    stacks.push({ stack, plan });
  }
  // Once all are built: a stack may depend on one built after it (a worker on the publisher it
  // subscribes to, a caller on the service it calls, named later). Only stacks built in this app
  // can be ordered here; across parts the assembly merge does it.
  for (const { stack, plan } of stacks) {
    for (const dependency of plan.dependsOn) {
      const other = built.get(dependency);
      if (other) stack.addStackDependency(other);
    }
  }
  return { app, stacks };
}

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
  const service = services.find((s) => s.name === plan.service)!;
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

/** Builds one stack in `app` from its inputs, tagged. */
function buildStack(app: App, inputs: StackInputs): Stack {
  const { plan } = inputs;
  if ('spec' in inputs) {
    const stack = buildDeliveryStack(app, inputs.spec, plan);
    tagResources(stack);
    return stack;
  }
  // The constructors' props types are checked where stackInputs builds them; here they are data.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const props = inputs.props as any;
  const stack: Stack =
    inputs.role === 'foundation'
      ? new FoundationStack(app, plan.name, props)
      : inputs.role === 'certificate'
        ? new CertificateStack(app, plan.name, props)
        : inputs.role === 'ingress'
          ? new IngressShardStack(app, plan.name, props)
          : inputs.role === 'removal'
            ? new RemovalStack(app, plan.name, props)
            : inputs.kind === 'web'
              ? new WebServiceStack(app, plan.name, props)
              : new SERVICE_STACKS[inputs.kind as Exclude<ServiceSpec['kind'], 'web'>]!(app, plan.name, props);
  tagResources(stack);
  return stack;
}

/**
 * Whom a service calls (with each callee's port) and who calls it, among the services of its
 * environment; a name that is no service there was refused by validation and is skipped.
 */
function serviceLinks(service: ServiceSpec, services: readonly ServiceSpec[]): { callees: Callee[]; callers: string[] } {
  const byName = new Map(services.map((s) => [s.name, s]));
  const callees = service.calls.flatMap((name) => {
    const callee = byName.get(name);
    return callee ? [{ name, port: callee.port }] : [];
  });
  // A job's calls are refused by validation (standalone tasks have no Service Connect proxy); one it
  // inherits from the estate defaults is ignored.
  const callers = services.filter((s) => s.kind !== 'job' && s.calls.includes(service.name)).map((s) => s.name);
  return { callees, callers };
}
