/**
 * What a runbook decides with: the environment's settings, one service's settings, the lookups it
 * may make, and what it decides (a plan of actions). The Lambda fills the lookups from AWS
 * (aws-lookups.ts); `cityplan runbook replay` fills them from the estate's manifests.
 */
import { COMMON_TUNING, RUNBOOK_INFO, type BuiltInRunbook } from '../../manifest/runbooks';
import type { EstateRunbook } from '../../manifest/estate-runbooks';
import type { Observation } from './observation';

/** The environment the responder serves. */
export interface ResponderContext {
  readonly estate: string;
  readonly environment: string;
  /**
   * Decide and record, change nothing: notifications (notify, escalate) are still sent, marked dry
   * run, because they change nothing in the estate and the log alarms reach people only this way.
   */
  readonly dryRun: boolean;
  readonly maxActionsPerHour: number;
  /** Epoch milliseconds: the decision's clock (the event's time in replay). */
  readonly now: number;
}

/**
 * One service's responder settings: what its stack publishes in the SSM parameter
 * `parameter.responderSettings` (a few hundred bytes of JSON, so thousands of services never touch
 * the Lambda's 4 KB of environment variables).
 */
export interface ServiceSettings {
  readonly service: string;
  readonly kind: string;
  readonly owner?: string;
  readonly cpu: number;
  readonly memory: number;
  readonly count: { readonly min: number; readonly max: number };
  /** `runbooks` of the service manifest, as written. */
  readonly runbooks: Readonly<Record<string, Readonly<Record<string, number | boolean>>>>;
}

/** A service's ECS deployments now (DescribeServices). Times in epoch milliseconds. */
export interface DeploymentFacts {
  readonly desiredCount: number;
  /** The PRIMARY deployment: what runs now or is rolling out; `startedAt` NaN when not known. */
  readonly current: { readonly taskDefinition: string; readonly startedAt: number };
  /** The task definition that ran before it: the ACTIVE deployment, else the revision before. */
  readonly previousTaskDefinition?: string;
}

/** A world-open ingress rule of a security group (0.0.0.0/0 or ::/0). */
export interface OpenIngress {
  readonly protocol: string;
  readonly fromPort?: number;
  readonly toPort?: number;
  readonly cidr: string;
}

/** Questions a runbook may ask about the environment. Each may reach AWS; none changes anything. */
export interface Lookups {
  /** A service's settings, or undefined when the environment has no such service. */
  service(name: string): Promise<ServiceSettings | undefined>;
  deployments(service: string): Promise<DeploymentFacts | undefined>;
  /** Counts one stopped task of the service; returns the stopped tasks within the last `minutes`. */
  countStop(service: string, minutes: number): Promise<number>;
  /** The network interface of a running task, to isolate it. */
  taskInterface(taskArn: string): Promise<string | undefined>;
  /** Whether a resource belongs to this environment of the estate (its stack's name). */
  inEstate(resourceType: string, resourceId: string): Promise<boolean>;
  /** A security group's world-open ingress, and whether it is a load balancer's. */
  openIngress(groupId: string): Promise<{ readonly rules: readonly OpenIngress[]; readonly loadBalancer: boolean }>;
  /** The estate's own runbooks for this environment (runbooks/*.yaml). */
  estateRunbooks(): Promise<readonly EstateRunbook[]>;
  /** A certificate's DNS validation records, each with whether the zone holds it. */
  validationRecords(certificateArn: string): Promise<ReadonlyArray<{ readonly name: string; readonly present: boolean }> | undefined>;
}

/** What the responder may do. Every kind but notify and escalate changes the estate. */
export type Action =
  | { readonly do: 'rollback'; readonly cluster: string; readonly service: string; readonly taskDefinition: string }
  | { readonly do: 'scale'; readonly cluster: string; readonly service: string; readonly desiredCount: number }
  | { readonly do: 'force-deployment'; readonly cluster: string; readonly service: string }
  | { readonly do: 'isolate-task'; readonly networkInterface: string }
  | { readonly do: 'stop-task'; readonly cluster: string; readonly task: string; readonly reason: string }
  | { readonly do: 'block-public-access'; readonly bucket: string }
  | { readonly do: 'revoke-ingress'; readonly groupId: string; readonly rules: readonly OpenIngress[] }
  | { readonly do: 'notify'; readonly subject: string; readonly message: string; readonly owner?: string }
  | { readonly do: 'escalate'; readonly title: string; readonly description: string; readonly dedup: string };

export const isMutating = (a: Action): boolean => a.do !== 'notify' && a.do !== 'escalate';

/** What a runbook decided for one event. */
export interface Plan {
  /** The service acted on, when the event is about one: guardrails count per service. */
  readonly service?: string;
  /** What the runbook saw: the evidence, in the audit record and the notification. */
  readonly conditions: Readonly<Record<string, unknown>>;
  readonly actions: readonly Action[];
  /** What to do instead while the runbook is cooling down on this service (default: nothing). */
  readonly whileCoolingDown?: readonly Action[];
  /** Minutes of cooldown when the runbook sets its own (an estate runbook's `cooldown`). */
  readonly cooldown?: number;
}

/** A runbook: which observations it answers and what it decides for them. */
export interface Runbook {
  readonly name: string;
  /** The service an observation is about, when this runbook answers it; null when it answers without one. */
  answers(o: Observation, ctx: ResponderContext): { readonly service?: string } | undefined;
  plan(o: Observation, ctx: ResponderContext, settings: ServiceSettings | undefined, lookups: Lookups): Promise<Plan>;
  /**
   * Whether the runbook's conditions hold (an estate runbook's `when`); when they do not, the
   * runbook does not claim the event and the next one (or notify-owner) decides. Read-only lookups.
   */
  holds?(o: Observation, ctx: ResponderContext, settings: ServiceSettings | undefined, lookups: Lookups): Promise<boolean>;
}

/** A built-in runbook's tuning for a service: its own fields over the defaults of RUNBOOK_INFO. */
export function tuning(settings: ServiceSettings | undefined, runbook: BuiltInRunbook): Record<string, number | boolean> {
  const defaults = Object.fromEntries(Object.entries({ ...COMMON_TUNING, ...RUNBOOK_INFO[runbook].tuning }).map(([k, f]) => [k, f.default]));
  return { ...defaults, ...(settings?.runbooks[runbook] ?? {}) };
}

/** Whole minutes from the current deployment's start to `now`; undefined when either is not known. */
export function deployedMinutesAgo(facts: DeploymentFacts | undefined, now: number): number | undefined {
  if (!facts || !Number.isFinite(facts.current.startedAt)) return undefined;
  return Math.round((now - facts.current.startedAt) / 60_000);
}

/** The estate's name for the environment's ECS cluster (resourceName.cluster). */
export const clusterName = (ctx: ResponderContext) => `${ctx.estate}-${ctx.environment}`;

/** The one-line notification text: who, what, the evidence. */
export function evidence(conditions: Readonly<Record<string, unknown>>): string {
  return Object.entries(conditions)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('\n');
}
