/**
 * `estimateCost`: the estate's monthly cost from list prices, per service and environment, with
 * the comparisons that show what sharding load balancers and the `egress` mode are worth. Pure:
 * the spec, the allocation (for shards) and the price table; no AWS call.
 *
 * An estimate, not a bill: see docs/cost.md for what is priced, what is assumed and what is not.
 */
import { deliveryTargets } from '../delivery/delivery-plan';
import type { EnvironmentAllocation } from '../estate/allocation';
import { EstateError, type Problem } from '../manifest/problems';
import type { Egress, EnvironmentSpec, EstateSpec } from '../manifest/spec';
import { pipelineCost } from './delivery-cost';
import { INTERFACE_ENDPOINTS } from '../platform/egress-plan';
import { egressComparison, type EgressComparison, loadBalancerComparison, type LoadBalancerComparison, RESPONDER, sharedLines } from './environment-cost';
import { type CostLine, priceOf, sum } from './lines';
import { CURRENCY, HOURS_PER_MONTH, isPricedRegion, PRICE_DATE, PRICED_REGIONS, PRICES, type Price, type PricedRegion } from './prices';
import { ASSUMPTIONS, serviceCost, type ServiceCost, type ShardShare } from './service-cost';
import { ESTATE_USAGE_DEFAULTS, estateQuantities, type EstateQuantities, SERVICE_USAGE_DEFAULTS, SERVERLESS_DATABASE_GB, SIZE_STORAGE_GB } from './usage';
import { IMAGE_GB_PER_BUILD } from './delivery-cost';

export type { CostLine } from './lines';
export type { ServiceCost } from './service-cost';

export interface EnvironmentCost {
  readonly name: string;
  readonly region: string;
  readonly egress: Egress;
  /** USD a month: its services and its shared lines. */
  readonly monthly: number;
  readonly shared: readonly CostLine[];
  readonly services: readonly ServiceCost[];
}

export interface CostEstimate {
  /** The price table's date (prices.ts PRICE_DATE). */
  readonly priceDate: string;
  readonly currency: string;
  readonly hoursPerMonth: number;
  readonly environments: readonly EnvironmentCost[];
  /** The delivery account's pipelines (with `delivery.repo`; null without, or when one environment is asked for). */
  readonly delivery: { readonly account: string; readonly region: string; readonly monthly: number; readonly services: readonly ServiceCost[] } | null;
  /** USD a month: the environments and the delivery account. */
  readonly total: number;
  readonly comparisons: {
    /** Per environment: its load balancer shards against one load balancer per web service. */
    readonly oneAlbPerService: readonly LoadBalancerComparison[];
    /** Per environment: its network cost under each egress mode. */
    readonly egress: readonly EgressComparison[];
  };
  /** The quantities assumed: defaults, the estate's own `usage`, and which services set theirs. */
  readonly usage: {
    readonly estate: EstateQuantities;
    readonly estateDefaults: EstateQuantities;
    readonly serviceDefaults: typeof SERVICE_USAGE_DEFAULTS & { readonly databaseGB: string };
    /** Services whose `usage` (layered) sets a field, by environment. */
    readonly overrides: ReadonlyArray<{ readonly environment: string; readonly service: string; readonly usage: Readonly<Record<string, number>> }>;
    readonly assumptions: Readonly<Record<string, unknown>>;
  };
  /** Every price an estimated line rests on that could not be checked on priceDate. */
  readonly unverified: ReadonlyArray<{ readonly region: string; readonly price: string; readonly usd: number; readonly unit: string; readonly source: string }>;
}

export interface EstimateOptions {
  /** Only this environment (the delivery account is then left out). */
  readonly environment?: string;
}

/**
 * @param allocation as prepareEstate gives it: each environment's placements and shards
 * @throws EstateError when an environment (or, with pipelines, the delivery account) is in a region
 *   the price table does not hold: the estimate is not guessed from another region's prices
 */
export function estimateCost(spec: EstateSpec, allocation: ReadonlyMap<string, EnvironmentAllocation>, options: EstimateOptions = {}): CostEstimate {
  const problems = unpricedRegions(spec, options);
  if (problems.length > 0) throw new EstateError(problems, 'the estate (cost)');
  const usage = estateQuantities(spec);
  const wanted = spec.environments.filter((e) => !options.environment || e.name === options.environment);
  const used = new Map<string, { region: string; name: string; price: Price }>();
  const environments = wanted.map((env) => environmentCost(spec, env, allocation.get(env.name), usage));
  const oneAlbPerService = wanted.map((env) => {
    const services = spec.services.get(env.name) ?? [];
    const web = services.filter((s) => s.kind === 'web');
    const shards = new Set(web.map((s) => allocation.get(env.name)?.placements[s.name]?.shard).filter((s) => s !== undefined));
    return loadBalancerComparison(env, web.length, shards.size, PRICES[env.region as PricedRegion]);
  });
  const egress = wanted.map((env) => egressComparison(env, spec.services.get(env.name) ?? [], PRICES[env.region as PricedRegion]));

  let delivery: CostEstimate['delivery'] = null;
  if (spec.delivery.repo && !options.environment) {
    const prices = PRICES[spec.region as PricedRegion];
    const services = [...deliveryTargets(spec)].map(([name, targets]) => pipelineCost(name, targets, prices, usage)).sort((a, b) => a.name.localeCompare(b.name));
    delivery = { account: spec.delivery.account, region: spec.region, monthly: sum(services.map((s) => s.monthly)), services };
  }

  // Unverified prices behind lines with a cost: found by matching each line's unit price.
  for (const env of environments) noteUnverified(used, env.region, [...env.shared, ...env.services.flatMap((s) => s.lines)]);
  if (delivery) noteUnverified(used, delivery.region, delivery.services.flatMap((s) => s.lines));

  return {
    priceDate: PRICE_DATE,
    currency: CURRENCY,
    hoursPerMonth: HOURS_PER_MONTH,
    environments,
    delivery,
    total: sum([...environments.map((e) => e.monthly), delivery?.monthly ?? 0]),
    comparisons: { oneAlbPerService, egress },
    usage: {
      estate: usage,
      estateDefaults: ESTATE_USAGE_DEFAULTS,
      serviceDefaults: { ...SERVICE_USAGE_DEFAULTS, databaseGB: `the size's allocated storage (${Object.entries(SIZE_STORAGE_GB).map(([k, v]) => `${k} ${v}`).join(', ')}); ${SERVERLESS_DATABASE_GB} for serverless` },
      overrides: wanted.flatMap((env) =>
        (spec.services.get(env.name) ?? [])
          .filter((s) => s.usage && Object.keys(s.usage).length > 0)
          .map((s) => ({ environment: env.name, service: s.name, usage: { ...(s.usage as Record<string, number>) } })),
      ),
      assumptions: { ...ASSUMPTIONS, imageGBPerBuild: IMAGE_GB_PER_BUILD, responder: RESPONDER, interfaceEndpoints: INTERFACE_ENDPOINTS.map((e) => e.service) },
    },
    unverified: [...used.values()]
      .sort((a, b) => a.region.localeCompare(b.region) || a.name.localeCompare(b.name))
      .map(({ region, name, price }) => ({ region, price: name, usd: price.usd, unit: price.unit, source: price.source })),
  };
}

function environmentCost(spec: EstateSpec, env: EnvironmentSpec, allocation: EnvironmentAllocation | undefined, usage: EstateQuantities): EnvironmentCost {
  const prices = PRICES[env.region as PricedRegion];
  const services = spec.services.get(env.name) ?? [];
  const onShard = new Map<number, number>();
  for (const s of services) {
    const shard = s.kind === 'web' ? allocation?.placements[s.name]?.shard : undefined;
    if (shard !== undefined) onShard.set(shard, (onShard.get(shard) ?? 0) + 1);
  }
  const costs = services.map((s) => {
    const shard = s.kind === 'web' ? allocation?.placements[s.name]?.shard : undefined;
    const share: ShardShare | undefined = shard === undefined ? undefined : { shard, services: onShard.get(shard)! };
    return serviceCost(s, env, prices, share);
  });
  const shared = sharedLines(spec, env, services, prices, usage);
  return {
    name: env.name,
    region: env.region,
    egress: env.egress,
    monthly: sum([...costs.map((c) => c.monthly), ...shared.map((l) => l.monthly)]),
    shared,
    services: costs,
  };
}

/** Records, by region, the table's unverified prices that a line with a cost was made from. */
function noteUnverified(used: Map<string, { region: string; name: string; price: Price }>, region: string, lines: readonly CostLine[]): void {
  const names = new Map<Price, string>();
  for (const [name, value] of Object.entries(PRICES[region as PricedRegion])) {
    if ('usd' in value) names.set(value as Price, name);
    else for (const [cls, pr] of Object.entries(value as Record<string, Price>)) names.set(pr, `${name}.${cls}`);
  }
  for (const l of lines) {
    const price = priceOf(l);
    if (!price?.unverified || l.monthly === 0) continue;
    const name = names.get(price) ?? price.unit;
    used.set(`${region} ${name}`, { region, name, price });
  }
}

/**
 * Environments (and, with pipelines, the delivery region) outside the price table's regions; with
 * `options.environment`, that environment only (the delivery account is not priced then), so that
 * one environment can be estimated while another is in a region the table lacks.
 */
export function unpricedRegions(spec: EstateSpec, options: EstimateOptions = {}): Problem[] {
  const problems: Problem[] = [];
  const priced = PRICED_REGIONS.join(' and ');
  for (const env of spec.environments.filter((e) => !options.environment || e.name === options.environment)) {
    if (!isPricedRegion(env.region)) {
      problems.push({ file: 'estate.yaml', field: `environments.${env.name}.region`, message: `environment ${env.name} is in ${env.region}, but the price table (${PRICE_DATE}) holds ${priced} only: cityplan cost does not guess another region's prices. Estimate it as one of those (a copy of the estate with region: eu-west-2), or add ${env.region} to src/cost/prices.ts` });
    }
  }
  if (spec.delivery.repo && !options.environment && !isPricedRegion(spec.region)) {
    problems.push({ file: 'estate.yaml', field: 'region', message: `the delivery account's pipelines are in ${spec.region}, but the price table (${PRICE_DATE}) holds ${priced} only` });
  }
  return problems;
}
