/**
 * What the estate report shows, as plain data: built from a finished plan (src/estate/plan.ts
 * `planEstate`) and the validated estate it planned, never recomputed here. The page
 * (src/report/page.ts) only lays this out.
 */
import { CERTIFICATES_PER_ALB, RULES_PER_ALB, SERVICES_PER_SHARD, TARGET_GROUPS_PER_ALB } from '../estate/allocate';
import type { PlanResult } from '../estate/plan';
import { BUILT_IN_RUNBOOKS } from '../manifest/runbooks';
import type { EstateSpec, ServiceKind, ServiceSpec } from '../manifest/spec';
import { alarmOf, stackName } from '../naming/names';
import { principleResults, type PrincipleResult } from '../policy/ncsc';
import { byName } from './order';

/**
 * Monthly cost in US dollars, as the cost model's `estimateCost(spec, allocation)` returns it
 * (src/cost/estimate.ts): per environment, and per service in it. Only the names and `monthly`
 * figures are read, so any estimate of this shape fits.
 */
export interface CostInput {
  readonly environments: ReadonlyArray<{
    readonly name: string;
    readonly monthly: number;
    readonly services: ReadonlyArray<{ readonly name: string; readonly monthly: number }>;
  }>;
  /** Environments that could not be estimated, with the reason the page gives in their section. */
  readonly unpriced?: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
}

/** One use of a load balancer's quota: how much a shard holds against its limit. */
export interface Usage {
  readonly used: number;
  readonly limit: number;
}

export interface ReportShard {
  readonly id: number;
  /** Services placed, against SERVICES_PER_SHARD (the budget when each takes one rule and one target group). */
  readonly services: Usage;
  /** Target groups, against the ALB's hard quota of 100. */
  readonly targetGroups: Usage;
  /** Listener rules, against the ALB default quota of 100 (default rules excluded). */
  readonly rules: Usage;
  /** SNI certificates besides the environment's wildcard, against the ALB's 25. */
  readonly certificates: Usage;
}

export interface ReportService {
  readonly name: string;
  readonly kind: ServiceKind;
  /** The manifest's `owner`; undefined when it names none. */
  readonly owner?: string;
  readonly urls: readonly string[];
  /** Addons as the plan words them: `postgres small`, `bucket (versioned)`, `cache`, `queue` / `FIFO queue`. */
  readonly addons: readonly string[];
  readonly calls: readonly string[];
  readonly calledBy: readonly string[];
  readonly shard?: number;
  /** CloudWatch alarm names its stack claims, sorted. */
  readonly alarms: readonly string[];
  /** Built-in runbooks not switched off for it, then the estate's own that apply to it. */
  readonly runbooks: readonly string[];
  /** US dollars a month; undefined when no estimate was given. */
  readonly monthly?: number;
  /** Policy findings in its stack: none unacknowledged (a plan with one fails), acknowledged ones with reasons. */
  readonly findings: { readonly unacknowledged: number; readonly acknowledged: number };
}

export interface ReportEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly domain: string;
  readonly protect: boolean;
  readonly zones: number;
  readonly capacity: string;
  readonly egress: string;
  /** What runs there at run time, as the plan says: the responder's dry run, cityplan's own Config recorder, GuardDuty. */
  readonly operations: { readonly responderDryRun: boolean; readonly configRecorder: boolean; readonly guardduty: boolean };
  readonly shards: readonly ReportShard[];
  readonly services: readonly ReportService[];
  /** US dollars a month for the whole environment; undefined when no estimate was given. */
  readonly monthly?: number;
  /** Why there is no estimate for it (a region the price table lacks); absent when priced or none was asked for. */
  readonly unpriced?: string;
}

export interface ReportModel {
  readonly estate: { readonly name: string; readonly owner: string; readonly region: string };
  /** When the plan behind the report ran, ISO 8601 UTC. */
  readonly plannedAt: string;
  readonly version: string;
  readonly environments: readonly ReportEnvironment[];
  /** The NCSC table as `cityplan policy` shows it (src/policy/ncsc.ts `principleResults`). */
  readonly principles: readonly PrincipleResult[];
  readonly findings: { readonly unacknowledged: number; readonly acknowledged: number };
}

export interface ReportInputs {
  readonly plan: PlanResult;
  /** The estate as planned (prepareEstate's `spec`): owners, egress and runbook tuning the plan does not carry. */
  readonly spec: EstateSpec;
  readonly plannedAt: Date;
  /** cityplan's version (cli/version.ts). */
  readonly version: string;
  /** The cost model's estimate; absent: costs show as '—'. */
  readonly costs?: CostInput;
}

/** The report's data from a plan and its estate. Pure: the same inputs give the same model. */
export function reportModel({ plan, spec, plannedAt, version, costs }: ReportInputs): ReportModel {
  const claimsOf = new Map(plan.stacks.map((s) => [s.name, s.claims]));
  const acknowledgedIn = new Map<string, number>();
  for (const a of plan.findings.acknowledgements) acknowledgedIn.set(a.stack, (acknowledgedIn.get(a.stack) ?? 0) + 1);
  const environments = plan.environments.map((env): ReportEnvironment => {
    const specs = new Map((spec.services.get(env.name) ?? []).map((s) => [s.name, s]));
    const cost = costs?.environments.find((e) => e.name === env.name);
    const costOf = new Map((cost?.services ?? []).map((s) => [s.name, s.monthly]));
    const unpriced = costs?.unpriced?.find((u) => u.name === env.name)?.reason;
    return {
      name: env.name,
      account: env.account,
      region: env.region,
      domain: env.domain,
      protect: env.protect,
      zones: env.zones,
      capacity: env.capacity,
      egress: env.egress,
      operations: env.operations,
      shards: env.shards.map((s) => ({
        id: s.id,
        services: { used: s.services, limit: SERVICES_PER_SHARD },
        targetGroups: { used: s.targetGroups, limit: TARGET_GROUPS_PER_ALB },
        rules: { used: s.rules, limit: RULES_PER_ALB },
        certificates: { used: s.certificates, limit: CERTIFICATES_PER_ALB },
      })),
      // Natural order (web-2 before web-10), as the diagram draws them; the plan lists them as text sorts.
      services: [...env.services].sort(byName).map((s): ReportService => {
        const own = specs.get(s.name);
        const stack = s.stack ?? stackName.service(spec.name, env.name, s.name);
        const alarms = (claimsOf.get(stack) ?? [])
          .filter((c) => c.startsWith(ALARM_CLAIM))
          .map((c) => c.slice(ALARM_CLAIM.length))
          .filter((name) => alarmOf(spec.name, env.name, name)?.service === s.name)
          .sort();
        return {
          name: s.name,
          kind: s.kind as ServiceKind,
          ...(own?.owner ? { owner: own.owner } : {}),
          urls: s.urls,
          addons: [...(s.data ?? []), ...(s.queue ? [s.queue.fifo ? 'FIFO queue' : 'queue'] : [])],
          calls: s.calls ?? [],
          calledBy: s.calledBy ?? [],
          ...(s.shard !== undefined ? { shard: s.shard } : {}),
          alarms,
          runbooks: own ? runbooksOf(spec, env.name, own) : [],
          ...(costOf.has(s.name) ? { monthly: costOf.get(s.name) } : {}),
          findings: { unacknowledged: 0, acknowledged: acknowledgedIn.get(stack) ?? 0 },
        };
      }),
      ...(cost ? { monthly: cost.monthly } : {}),
      ...(!cost && unpriced ? { unpriced } : {}),
    };
  });
  return {
    estate: { name: spec.name, owner: spec.owner, region: spec.region },
    plannedAt: plannedAt.toISOString(),
    version,
    environments,
    principles: principleResults(
      [],
      plan.findings.acknowledgements.map((a) => a.rule),
    ),
    findings: { unacknowledged: plan.findings.unacknowledged, acknowledged: plan.findings.acknowledged },
  };
}

/** How claims.ts words an alarm's name in a stack's claims: `AWS::CloudWatch::Alarm <AlarmName>`. */
const ALARM_CLAIM = 'AWS::CloudWatch::Alarm ';

/**
 * The runbooks that act for a service in an environment: the built-in ones its manifest does not
 * switch off (`runbooks.<name>.enabled: false`), then the estate's own (runbooks/*.yaml) whose
 * `services` and `environments` include it (absent: all).
 */
function runbooksOf(spec: EstateSpec, environment: string, service: ServiceSpec): string[] {
  const builtIn = BUILT_IN_RUNBOOKS.filter((name) => service.runbooks[name]?.enabled !== false);
  const own = (spec.runbooks ?? [])
    .filter((r) => (!r.services || r.services.includes(service.name)) && (!r.environments || r.environments.includes(environment)))
    .map((r) => r.name);
  return [...builtIn, ...own];
}
