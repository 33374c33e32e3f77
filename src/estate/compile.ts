import { App, type Stack } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS, DISABLE_CREATION_STACK_TRACES, ENABLE_ADDITIONAL_METADATA_COLLECTION } from 'aws-cdk-lib/cx-api';
import type { EstateSpec, ServiceSpec } from '../manifest/spec';
import { CertificateStack } from '../platform/certificate-stack';
import { FoundationStack } from '../platform/foundation-stack';
import { IngressShardStack } from '../platform/ingress-shard-stack';
import { RemovalStack } from '../platform/removal-stack';
import { SERVICE_STACKS } from '../service/service-kinds';
import { WebServiceStack } from '../service/web-service-stack';
import type { EnvironmentAllocation } from './allocation';
import type { Lock } from './lock';
import { availabilityZones, availableZoneCount, DELIVERY } from '../naming/names';
import { buildDeliveryStack } from '../delivery/delivery-stacks';
import { tagResources } from '../policy/tags';
import { planStacks, type StackPlan, type StackSelection } from './stack-plan';
import { type StackInputs, stackInputs } from './stack-inputs';

export interface CompileOptions extends StackSelection {
  /** Where the cloud assembly is written. */
  readonly outdir: string;
  /** Build exactly these stacks (a part of the estate, for parallel synthesis); default all selected. */
  readonly stacks?: readonly StackPlan[];
  /** The previous lock, whose stacks the estate no longer has are built as removals. */
  readonly previous?: Lock;
  /**
   * Inputs for stacks that are not the estate's own, by stack name: the stand-ins of service
   * shapes (stack-shape.ts), which `stacks` lists like any other.
   */
  readonly given?: ReadonlyMap<string, StackInputs>;
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
    const stack = buildStack(app, options.given?.get(plan.name) ?? stackInputs(spec, allocation, plan));
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
