/**
 * What an environment pays for once, whatever its services: its network egress (by `egress`
 * mode), the foundation's firewall, key, zone, Config, GuardDuty, dashboard and responder; and
 * the two comparisons the estimate shows beside it (egress modes, one load balancer per service).
 */
import type { EnvironmentSpec, Egress, EstateSpec, ServiceSpec } from '../manifest/spec';
import { egressResources } from '../platform/egress-plan';
import { type CostLine, line, sum } from './lines';
import { HOURS_PER_MONTH as H, type PriceTable } from './prices';
import { taskHours, taskSize } from './service-cost';
import { type EstateQuantities, serviceQuantities } from './usage';

/** The web ACL's rules: one per AWS managed rule group (platform/ingress-firewall.ts). */
export const WAF_RULES = 3;

/** The foundation's own alarms on the responder (dead letters, errors), one metric each. */
const FOUNDATION_ALARMS = 2;

/**
 * The responder Lambda's month: invocations (alarms, findings, scheduled checks) and its 256 MB
 * for about a second each. An assumption, printed with the others.
 */
export const RESPONDER = { invocationsPerMonth: 100_000, gbSeconds: 0.25 } as const;

/** OpenSearch Serverless OCUs with `logs.opensearch`: indexing and search, doubled where protected for standby replicas. */
const OPENSEARCH_OCUS = { protected: 3, unprotected: 2 } as const;

/**
 * GB a month through NAT gateways or interface endpoints: every service's traffic to AWS APIs and
 * the internet (`networkGBPerMonth`), and its logs, which the awslogs driver sends to CloudWatch
 * Logs over the same path. S3 goes through the free gateway endpoint in every mode.
 */
export function egressGB(services: readonly ServiceSpec[]): number {
  return services.reduce((gb, s) => {
    const q = serviceQuantities(s);
    return gb + q.networkGBPerMonth + q.logGBPerMonth;
  }, 0);
}

/** The network lines of an environment under `mode`: what the foundation builds for it (egress-plan.ts). */
export function networkLines(env: EnvironmentSpec, mode: Egress, gb: number, prices: PriceTable): CostLine[] {
  const built = egressResources(mode, env.zones);
  if (mode === 'endpoints') {
    const n = built.interfaceEndpoints.length;
    return [
      line(`VPC interface endpoints (${n} × ${env.zones} zones)`, built.interfaceEndpointZones * H, prices.endpointAzHour),
      line('VPC endpoint data processed', gb, prices.endpointGb),
    ];
  }
  const gateways = built.natGateways;
  return [
    line(`NAT gateway${gateways === 1 ? '' : 's'} (${gateways})`, gateways * H, prices.natHour),
    line('NAT gateway public IPv4', gateways * H, prices.publicIpv4Hour),
    line('NAT gateway data processed', gb, prices.natGb),
  ];
}

export function sharedLines(spec: EstateSpec, env: EnvironmentSpec, services: readonly ServiceSpec[], prices: PriceTable, usage: EstateQuantities): CostLine[] {
  const lines = [
    ...networkLines(env, env.egress, egressGB(services), prices),
    line('WAF web ACL', 1, prices.wafAclMonth),
    line(`WAF rules (${WAF_RULES} managed rule groups)`, WAF_RULES, prices.wafRuleMonth),
    line('KMS key (the environment key)', 1, prices.kmsKeyMonth),
    ...(env.zoneId ? [] : [line('Route 53 hosted zone', 1, prices.hostedZoneMonth)]),
    line('Route 53 queries', usage.dnsQueriesPerMonth, prices.dnsMillionQueries, 1e6),
    line('AWS Config rule evaluations', usage.configEvaluationsPerMonth, prices.configEvaluation),
    ...(env.config.recorder ? [line('AWS Config configuration items', usage.configItemsPerMonth, prices.configItem)] : []),
    ...(env.guardduty ? [line('GuardDuty Runtime Monitoring (task vCPU-hours)', monitoredVcpuHours(env, services), prices.guarddutyRuntimeVcpuHour)] : []),
    line('CloudWatch dashboard', 1, prices.dashboardMonth),
    line(`CloudWatch alarms (${FOUNDATION_ALARMS}, responder)`, FOUNDATION_ALARMS, prices.alarmMetricMonth),
    line('Responder Lambda requests', RESPONDER.invocationsPerMonth, prices.lambdaMillionRequests, 1e6),
    line('Responder Lambda compute', RESPONDER.invocationsPerMonth * RESPONDER.gbSeconds, prices.lambdaGbSecond),
  ];
  if (spec.logs.opensearch) {
    const ocus = env.protect ? OPENSEARCH_OCUS.protected : OPENSEARCH_OCUS.unprotected;
    lines.push(line(`OpenSearch Serverless (${ocus} OCUs)`, ocus * H, prices.opensearchOcuHour));
  }
  return lines.filter((l) => l.quantity > 0);
}

/** vCPU-hours of every task at count.min (GuardDuty bills Runtime Monitoring by the vCPU it watches). */
function monitoredVcpuHours(env: EnvironmentSpec, services: readonly ServiceSpec[]): number {
  return services.reduce((total, s) => {
    const h = taskHours(s, env, serviceQuantities(s), s.count.min);
    return total + taskSize(s).vcpu * (h.onDemand + h.spot);
  }, 0);
}

export interface EgressComparison {
  readonly environment: string;
  /** The mode the environment has. */
  readonly current: Egress;
  /** GB a month through NAT gateways or interface endpoints (see egressGB). */
  readonly gb: number;
  /** USD a month of the network lines under each mode. */
  readonly monthly: Readonly<Record<Egress, number>>;
}

export function egressComparison(env: EnvironmentSpec, services: readonly ServiceSpec[], prices: PriceTable): EgressComparison {
  const gb = egressGB(services);
  const of = (mode: Egress) => sum(networkLines(env, mode, gb, prices).map((l) => l.monthly));
  return { environment: env.name, current: env.egress, gb, monthly: { nat: of('nat'), 'nat-single': of('nat-single'), endpoints: of('endpoints') } };
}

export interface LoadBalancerComparison {
  readonly environment: string;
  readonly webServices: number;
  readonly shards: number;
  /** USD a month of the shards' hours and public addresses (LCUs are the same either way). */
  readonly sharded: number;
  /** The same with one load balancer per web service. */
  readonly oneAlbPerService: number;
  /** oneAlbPerService − sharded. */
  readonly saving: number;
}

/** One load balancer's fixed month: its hours and a public IPv4 address in each zone. */
export function loadBalancerMonth(env: EnvironmentSpec, prices: PriceTable): number {
  return sum([line('', H, prices.albHour).monthly, line('', env.zones * H, prices.publicIpv4Hour).monthly]);
}

export function loadBalancerComparison(env: EnvironmentSpec, webServices: number, shards: number, prices: PriceTable): LoadBalancerComparison {
  const one = loadBalancerMonth(env, prices);
  const sharded = sum([one * shards]);
  const oneAlbPerService = sum([one * webServices]);
  return { environment: env.name, webServices, shards, sharded, oneAlbPerService, saving: sum([oneAlbPerService - sharded]) };
}
