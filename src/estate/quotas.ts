/**
 * AWS quotas an estate can run into, checked at plan time so that a deploy never fails half way
 * on a limit. Each check names the quota, the number found and where.
 */
import type { Problem } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import { CERTIFICATES_PER_ALB } from './allocate';
import type { EnvironmentAllocation } from './allocation';

export interface Quota {
  readonly name: string;
  readonly limit: number;
  /** Whether AWS raises it on request (the error says so). */
  readonly adjustable: boolean;
}

export const QUOTAS = {
  resourcesPerStack: { name: 'CloudFormation resources per stack', limit: 500, adjustable: false },
  templateBytes: { name: 'CloudFormation template size (bytes, uploaded through S3)', limit: 1_000_000, adjustable: false },
  parametersPerStack: { name: 'CloudFormation parameters per stack', limit: 200, adjustable: false },
  outputsPerStack: { name: 'CloudFormation outputs per stack', limit: 200, adjustable: false },
  stacksPerRegion: { name: 'CloudFormation stacks per account and region', limit: 2000, adjustable: true },
  targetGroupsPerAlb: { name: 'target groups per Application Load Balancer', limit: 100, adjustable: false },
  rulesPerAlb: { name: 'listener rules per Application Load Balancer', limit: 100, adjustable: true },
  certificatesPerAlb: { name: 'certificates per Application Load Balancer', limit: 25, adjustable: true },
  albsPerRegion: { name: 'Application Load Balancers per account and region', limit: 50, adjustable: true },
  targetGroupsPerRegion: { name: 'target groups per account and region', limit: 3000, adjustable: true },
  servicesPerCluster: { name: 'ECS services per cluster', limit: 5000, adjustable: false },
  securityGroupsPerVpc: { name: 'security groups per VPC', limit: 2500, adjustable: true },
  // CodePipeline User Guide, "Quotas in AWS CodePipeline": 1,000 pipelines per Region, adjustable.
  // (Pipelines that poll are capped at 300, fixed, and webhooks at 300: cityplan's pipelines
  // neither poll nor use webhooks; their CodeConnections triggers count against neither.)
  pipelinesPerRegion: { name: 'CodePipeline pipelines per account and region', limit: 1000, adjustable: true },
  // CodeBuild User Guide, "Quotas for AWS CodeBuild": build projects per Region (5,000, adjustable),
  // as recalled: the documentation search here did not return the table itself.
  buildProjectsPerRegion: { name: 'CodeBuild build projects per account and region', limit: 5000, adjustable: true },
  // Amazon ECR User Guide, "Amazon ECR service quotas": registered repositories per Region
  // (100,000, adjustable), as recalled; images per repository 100,000 (adjustable) is far above IMAGES_KEPT.
  repositoriesPerRegion: { name: 'ECR repositories per account and region', limit: 100_000, adjustable: true },
} as const satisfies Record<string, Quota>;

export interface QuotaBreach {
  readonly quota: Quota;
  readonly found: number;
  /** Where: a stack, a shard or an account and region. */
  readonly where: string;
  /** The stack, for per-stack quotas. */
  readonly stack?: string;
}

export function describeBreach(b: QuotaBreach): string {
  return `${b.where}: ${b.found} ${b.quota.name}; the quota is ${b.quota.limit}${b.quota.adjustable ? ' (adjustable on request through Service Quotas)' : ' (fixed)'}`;
}

export interface StackSize {
  readonly name: string;
  readonly resources: number;
  readonly parameters: number;
  readonly outputs: number;
  readonly bytes: number;
}

export function checkStackQuotas(stacks: readonly StackSize[]): QuotaBreach[] {
  const breaches: QuotaBreach[] = [];
  for (const s of stacks) {
    const at = { where: `stack ${s.name}`, stack: s.name };
    if (s.resources > QUOTAS.resourcesPerStack.limit) breaches.push({ quota: QUOTAS.resourcesPerStack, found: s.resources, ...at });
    if (s.bytes > QUOTAS.templateBytes.limit) breaches.push({ quota: QUOTAS.templateBytes, found: s.bytes, ...at });
    if (s.parameters > QUOTAS.parametersPerStack.limit) breaches.push({ quota: QUOTAS.parametersPerStack, found: s.parameters, ...at });
    if (s.outputs > QUOTAS.outputsPerStack.limit) breaches.push({ quota: QUOTAS.outputsPerStack, found: s.outputs, ...at });
  }
  return breaches;
}

/** Quotas of the whole estate, from the manifest and the allocation (whatever stacks this plan built). */
export function checkEstateQuotas(spec: EstateSpec, allocation: ReadonlyMap<string, EnvironmentAllocation>): QuotaBreach[] {
  const breaches: QuotaBreach[] = [];
  const perRegion = new Map<string, { albs: number; targetGroups: number; stacks: number }>();
  for (const env of spec.environments) {
    const placed = allocation.get(env.name)!;
    const services = spec.services.get(env.name) ?? [];
    const web = services.filter((s) => s.kind === 'web').length;
    // Every service with a stack (web, backend, worker) has a stack and a task security group.
    const built = services.length;
    for (const shard of placed.shards) {
      const where = `environment ${env.name}, load balancer shard ${shard.id}`;
      if (shard.targetGroups > QUOTAS.targetGroupsPerAlb.limit) breaches.push({ quota: QUOTAS.targetGroupsPerAlb, found: shard.targetGroups, where });
      if (shard.rules > QUOTAS.rulesPerAlb.limit) breaches.push({ quota: QUOTAS.rulesPerAlb, found: shard.rules, where });
      // One slot at least stays free for a certificate being replaced (see allocate.ts).
      if (shard.certificates >= CERTIFICATES_PER_ALB) breaches.push({ quota: QUOTAS.certificatesPerAlb, found: shard.certificates, where });
    }
    if (services.length > QUOTAS.servicesPerCluster.limit) {
      breaches.push({ quota: QUOTAS.servicesPerCluster, found: services.length, where: `environment ${env.name}` });
    }
    // One group per service, one per cache (ServiceCache) and one per shard, plus the VPC's default group.
    const caches = services.filter((s) => s.cache !== undefined).length;
    const securityGroups = built + caches + placed.shards.length + 1;
    if (securityGroups > QUOTAS.securityGroupsPerVpc.limit) {
      breaches.push({ quota: QUOTAS.securityGroupsPerVpc, found: securityGroups, where: `environment ${env.name}` });
    }
    const key = `${env.account}/${env.region}`;
    const r = perRegion.get(key) ?? { albs: 0, targetGroups: 0, stacks: 0 };
    r.albs += placed.shards.length;
    // Two target groups for a service that ECS deploys by shifting traffic between them.
    r.targetGroups += placed.shards.reduce((n, s) => n + s.targetGroups, 0);
    // Foundation and certificate, then one per shard and one per service with a stack.
    r.stacks += 2 + placed.shards.length + built;
    perRegion.set(key, r);
  }
  // The delivery account: a stack per service pipeline and one shared, each with a pipeline and a
  // build project, and an image repository per service built from source.
  if (spec.delivery.repo) {
    const services = new Map<string, boolean>();
    for (const env of spec.environments) for (const s of spec.services.get(env.name) ?? []) services.set(s.name, (services.get(s.name) ?? false) || !s.image);
    const where = `delivery account ${spec.delivery.account}, region ${spec.region}`;
    const pipelines = services.size;
    const repositories = [...services.values()].filter(Boolean).length;
    if (pipelines > QUOTAS.pipelinesPerRegion.limit) breaches.push({ quota: QUOTAS.pipelinesPerRegion, found: pipelines, where });
    if (pipelines > QUOTAS.buildProjectsPerRegion.limit) breaches.push({ quota: QUOTAS.buildProjectsPerRegion, found: pipelines, where });
    if (repositories > QUOTAS.repositoriesPerRegion.limit) breaches.push({ quota: QUOTAS.repositoriesPerRegion, found: repositories, where });
    const key = `${spec.delivery.account}/${spec.region}`;
    const r = perRegion.get(key) ?? { albs: 0, targetGroups: 0, stacks: 0 };
    r.stacks += 1 + pipelines;
    perRegion.set(key, r);
  }
  for (const [key, r] of perRegion) {
    const where = `account ${key.replace('/', ', region ')}`;
    if (r.albs > QUOTAS.albsPerRegion.limit) breaches.push({ quota: QUOTAS.albsPerRegion, found: r.albs, where });
    if (r.targetGroups > QUOTAS.targetGroupsPerRegion.limit) breaches.push({ quota: QUOTAS.targetGroupsPerRegion, found: r.targetGroups, where });
    if (r.stacks > QUOTAS.stacksPerRegion.limit) breaches.push({ quota: QUOTAS.stacksPerRegion, found: r.stacks, where });
  }
  return breaches;
}

/** Estate-wide quota breaches as problems of estate.yaml. */
export function estateQuotaProblems(spec: EstateSpec, allocation: ReadonlyMap<string, EnvironmentAllocation>): Problem[] {
  return checkEstateQuotas(spec, allocation).map((b) => ({ file: 'estate.yaml', message: describeBreach(b) }));
}
