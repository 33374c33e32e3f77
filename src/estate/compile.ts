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
  const environments = new Map(spec.environments.map((e) => [e.name, e]));
  const built = new Map<string, Stack>();
  const stacks: CompiledStack[] = [];
  for (const plan of options.stacks ?? planStacks(spec, allocation, options, options.previous)) {
    if (plan.environment === DELIVERY) {
      const stack = buildDeliveryStack(app, spec, plan);
      tagResources(stack);
      built.set(plan.name, stack);
      stacks.push({ stack, plan });
      continue;
    }
    const env = environments.get(plan.environment)!;
    const common = {
      env: { account: env.account, region: env.region },
      stackName: plan.name,
      terminationProtection: env.protect,
      // Cost-allocation tags; a service stack's serviceTags replaces service and owner with its own.
      tags: { 'cityplan:estate': spec.name, 'cityplan:environment': env.name, 'cityplan:service': SHARED_SERVICE, 'cityplan:owner': spec.owner },
      estate: spec.name,
      environment: env,
    };
    let stack: Stack;
    if (plan.role === 'foundation') {
      stack = new FoundationStack(app, plan.name, {
        ...common,
        description: `cityplan ${spec.name}/${env.name}: network, cluster, key, DNS, certificate, logs, alerts, firewall`,
        alertEmails: spec.alerts.email,
        openSearch: spec.logs.opensearch,
        runbooks: spec.runbooks,
      });
    } else if (plan.role === 'certificate') {
      stack = new CertificateStack(app, plan.name, {
        ...common,
        description: `cityplan ${spec.name}/${env.name}: wildcard certificate for *.${env.domain}`,
      });
    } else if (plan.role === 'ingress') {
      stack = new IngressShardStack(app, plan.name, {
        ...common,
        description: `cityplan ${spec.name}/${env.name}: load balancer shard ${plan.shard}${plan.retiring ? ' (retiring)' : ''}`,
        shard: plan.shard!,
        retiring: plan.retiring,
      });
    } else if (plan.role === 'removal') {
      stack = new RemovalStack(app, plan.name, {
        env: common.env,
        stackName: plan.name,
        tags: common.tags,
        description: `cityplan ${spec.name}/${env.name}: ${plan.service ? `service ${plan.service}` : plan.name}, removed from the estate; cityplan deploy deletes this stack`,
      });
    } else {
      const services = spec.services.get(env.name)!;
      const service = services.find((s) => s.name === plan.service)!;
      const props = {
        ...serviceLinks(service, services),
        ...common,
        description: `cityplan ${spec.name}/${env.name}: ${service.kind} service ${service.name}`,
        service,
        deliveryAccount: spec.delivery.account,
        deliveryRegion: spec.region,
        incarnation: allocation.get(env.name)!.incarnations[service.name],
      };
      stack =
        service.kind === 'web'
          ? new WebServiceStack(app, plan.name, { ...props, placement: allocation.get(env.name)!.placements[service.name]! })
          : new SERVICE_STACKS[service.kind]!(app, plan.name, props);
    }
    tagResources(stack);
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
