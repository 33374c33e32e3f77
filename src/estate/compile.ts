import { App, type Stack } from 'aws-cdk-lib';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import type { EnvironmentSpec, EstateSpec, ServiceSpec } from '../manifest/spec';
import { FoundationStack } from '../platform/foundation-stack';
import { IngressShardStack } from '../platform/ingress-shard-stack';
import { WebServiceStack } from '../service/web-service-stack';
import type { EnvironmentAllocation } from './allocation';
import { stackName } from './naming';

export interface CompileOptions {
  /** Where the cloud assembly is written. */
  readonly outdir: string;
  /** Only this environment. */
  readonly environment?: string;
  /**
   * Only this service's stacks: the shared stacks are deployed already and are found through SSM,
   * so a re-plan of one service constructs one service.
   */
  readonly service?: string;
}

/** What a stack is for: the plan reports findings against the manifest that made it. */
export interface StackRole {
  readonly stack: Stack;
  readonly environment: string;
  /** The service the stack runs; undefined for foundation and ingress stacks. */
  readonly service?: string;
}

/**
 * Builds the CDK app of an estate: per environment a foundation stack, one ingress stack per
 * load-balancer shard and one stack per web service.
 */
export function compileEstate(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  options: CompileOptions,
): { app: App; stacks: StackRole[] } {
  const app = new App({
    outdir: options.outdir,
    context: { ...CURRENTLY_RECOMMENDED_FLAGS },
    // Thousands of stacks: skip what only the CDK CLI reads.
    treeMetadata: false,
    analyticsReporting: false,
    stackTraces: false,
    builtinCloudFormationValidation: false,
  });
  const stacks: StackRole[] = [];
  for (const env of spec.environments) {
    if (options.environment && env.name !== options.environment) continue;
    const placed = allocation.get(env.name)!;
    const common = {
      env: { account: env.account, region: env.region },
      terminationProtection: env.protect,
      tags: { 'cityplan:estate': spec.name, 'cityplan:environment': env.name },
    };
    let foundation: FoundationStack | undefined;
    const shards = new Map<number, IngressShardStack>();
    if (!options.service) {
      const name = stackName.foundation(spec.name, env.name);
      foundation = new FoundationStack(app, name, {
        ...common,
        stackName: name,
        description: `cityplan ${spec.name}/${env.name}: network, cluster, key, DNS, certificate, logs, alerts, firewall`,
        estate: spec.name,
        environment: env,
        alertEmails: spec.alerts.email,
      });
      stacks.push({ stack: foundation, environment: env.name });
      for (const shard of placed.shards) {
        const shardName = stackName.ingress(spec.name, env.name, shard.id);
        const stack = new IngressShardStack(app, shardName, {
          ...common,
          stackName: shardName,
          description: `cityplan ${spec.name}/${env.name}: load balancer shard ${shard.id}`,
          estate: spec.name,
          environment: env,
          shard: shard.id,
        });
        // Ordering only: values flow through SSM, never through exports.
        stack.addStackDependency(foundation);
        shards.set(shard.id, stack);
        stacks.push({ stack, environment: env.name });
      }
    }
    for (const service of spec.services.get(env.name) ?? []) {
      if (options.service && service.name !== options.service) continue;
      const stack = buildServiceStack(app, spec, env, service, placed, common);
      if (!stack) continue;
      const placement = placed.placements[service.name];
      const shard = placement && shards.get(placement.shard);
      if (shard) stack.addStackDependency(shard);
      else if (foundation) stack.addStackDependency(foundation);
      stacks.push({ stack, environment: env.name, service: service.name });
    }
  }
  return { app, stacks };
}

function buildServiceStack(
  app: App,
  spec: EstateSpec,
  env: EnvironmentSpec,
  service: ServiceSpec,
  placed: EnvironmentAllocation,
  common: Pick<ConstructorParameters<typeof WebServiceStack>[2], 'env' | 'terminationProtection' | 'tags'>,
): Stack | undefined {
  // Worker and job services are accepted by the manifest; their stacks come in a later release.
  if (service.kind !== 'web') return undefined;
  const name = stackName.service(spec.name, env.name, service.name);
  return new WebServiceStack(app, name, {
    ...common,
    stackName: name,
    description: `cityplan ${spec.name}/${env.name}: web service ${service.name}`,
    estate: spec.name,
    environment: env,
    service,
    placement: placed.placements[service.name]!,
    deliveryAccount: spec.delivery.account,
    deliveryRegion: spec.region,
  });
}
