/** The validated estate, with defaults applied and per-environment overrides merged. */
import type { EstateRunbook } from './estate-runbooks';
import type { EstateUsageFields, ServiceUsageFields } from './schema';

/** `usage` of a service as written: quantities a month for `cityplan cost` (src/cost/usage.ts). */
export type ServiceUsage = ServiceUsageFields;
/** `usage` of estate.yaml as written (src/cost/usage.ts). */
export type EstateUsage = EstateUsageFields;

export interface EnvironmentSpec {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly domain: string;
  /** Existing hosted zone; undefined when the foundation creates the zone. */
  readonly zoneId?: string;
  readonly zones: 2 | 3;
  readonly capacity: 'on-demand' | 'spot';
  /**
   * How tasks reach AWS APIs and the internet: `nat` (a NAT gateway per zone), `nat-single` (one
   * for the environment) or `endpoints` (no NAT: VPC endpoints only). Default applied: `nat` where
   * `protect` is set, `nat-single` otherwise (what every environment had before the field existed).
   */
  readonly egress: Egress;
  readonly approval: boolean;
  readonly protect: boolean;
  /** AWS Config (see src/policy/config): `recorder` also creates the recorder and delivery channel. */
  readonly config: { readonly recorder: boolean };
  /** A GuardDuty detector with ECS Fargate runtime monitoring in this environment's account and region. */
  readonly guardduty: boolean;
  /** How the environment's responder acts (`runbooks`); defaults applied. */
  readonly runbooks: { readonly dryRun: boolean; readonly maxActionsPerHour: number };
}

/** See EnvironmentSpec.egress. */
export type Egress = 'nat' | 'nat-single' | 'endpoints';

export type ServiceKind = 'web' | 'backend' | 'worker' | 'job';

/** A topic another service publishes, delivered into a worker's queue. */
export interface Subscription {
  readonly service: string;
  readonly topic: string;
  /** SNS filter policy on message attributes. */
  readonly filter?: Readonly<Record<string, unknown>>;
}

/** One service as it runs in one environment. */
export interface ServiceSpec {
  readonly name: string;
  /** The service's manifest, relative to the estate folder (services/<name>.yaml). */
  readonly file: string;
  readonly kind: ServiceKind;
  readonly owner?: string;
  readonly source?: { readonly repo: string; readonly branch: string; readonly dockerfile: string; readonly test?: string };
  readonly image?: string;
  readonly port: number;
  readonly health: string;
  readonly cpu: number;
  readonly memory: number;
  readonly count: { readonly min: number; readonly max: number };
  readonly scale: { readonly cpu: number; readonly requestsPerTarget: number };
  readonly hostnames: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  /** Names from `secrets` made by hand before stacks owned them: read by name, not created. */
  readonly secretsMadeByHand: readonly string[];
  /** PostgreSQL addon: exactly one of size and serverless once validated (rules.ts; neither means size small). */
  readonly postgres?: {
    readonly size?: 'small' | 'medium' | 'large';
    readonly version?: '16' | '17';
    /** Aurora Serverless v2 capacity range, in ACUs. */
    readonly serverless?: { readonly min: number; readonly max: number };
  };
  readonly bucket?: { readonly versioned?: boolean };
  /** ElastiCache Serverless (Valkey); `maxMemory` in GB (1–5000). */
  readonly cache?: { readonly maxMemory?: number };
  /** A worker's queue; present also when the worker only subscribes (its topics need a queue). */
  readonly queue?: { readonly visibilityTimeout?: number; readonly fifo?: boolean; readonly maxReceives?: number };
  readonly schedule?: string;
  /** Overrides the image's command. */
  readonly command?: readonly string[];
  /** `uid[:gid]` or a name; built-in default 1000:1000. */
  readonly user: string;
  /** Why the container runs as root, when `user` is root or 0: the policy acknowledgement's reason. */
  readonly rootReason?: string;
  /** Seconds new tasks may fail health checks while starting (web and backend). */
  readonly healthGrace: number;
  readonly deploy: { readonly strategy: 'rolling' | 'canary' | 'linear' | 'blue-green'; readonly bake: number };
  /** Services this one may call over the environment's service network. */
  readonly calls: readonly string[];
  /** Topic names this service owns and publishes to. */
  readonly publish: readonly string[];
  readonly subscribe: readonly Subscription[];
  /** Minutes after which a job run is stopped (job only). */
  readonly timeout: number;
  readonly alarms: { readonly errorRate: number; readonly latencyP99: number };
  /** `retention` in days (absent: the environment's default); `alarmOn`: filter patterns that raise an alarm. */
  readonly logs: { readonly retention?: number; readonly alarmOn: readonly string[] };
  /** Per-service tuning of runbooks by name (`runbooks`), as written: defaults are the responder's. */
  readonly runbooks: Readonly<Record<string, Readonly<Record<string, number | boolean>>>>;
  /** What the service uses a month, as written (`usage`), for the cost estimate only; defaults in src/cost/usage.ts. */
  readonly usage?: ServiceUsage;
}

export interface EstateSpec {
  /** The estate folder, as given. */
  readonly dir: string;
  readonly name: string;
  readonly owner: string;
  readonly region: string;
  /** `repo` and `branch`: the estate's own repository, which service pipelines also take as a source. */
  readonly delivery: { readonly account: string; readonly connectionArn: string; readonly repo?: string; readonly branch?: string };
  readonly alerts: { readonly email: readonly string[] };
  /** The log pipeline: `opensearch` also delivers logs to OpenSearch Serverless (default false). */
  readonly logs: { readonly opensearch: boolean };
  readonly environments: readonly EnvironmentSpec[];
  /** Services by environment name, each list sorted by service name. */
  readonly services: ReadonlyMap<string, readonly ServiceSpec[]>;
  /** The estate's own runbooks (runbooks/*.yaml), sorted by name; absent or empty when it has none. */
  readonly runbooks?: readonly EstateRunbook[];
  /** Estate-wide usage as written (`usage`), for the cost estimate only. */
  readonly usage?: EstateUsage;
}

/** Whether a service has names the environment's wildcard certificate does not cover. */
export function needsOwnCertificate(service: ServiceSpec, env: EnvironmentSpec): boolean {
  return someUncovered(service.hostnames, env.domain);
}

/** Whether any of these extra hostnames falls outside the wildcard `*.<domain>`. */
export function someUncovered(hostnames: readonly string[], domain: string): boolean {
  return hostnames.some((h) => !coveredByWildcard(h, domain));
}

export function coveredByWildcard(hostname: string, domain: string): boolean {
  return hostname.endsWith(`.${domain}`) && !hostname.slice(0, -domain.length - 1).includes('.');
}

export function isInZone(hostname: string, domain: string): boolean {
  return hostname === domain || hostname.endsWith(`.${domain}`);
}

/**
 * Where a service answers: a web service at its public names; a backend, and a web service some
 * service calls, also at `http://<service>:<port>` on the environment's service network (Service
 * Connect resolves that name in its callers' tasks only).
 * @param called whether some service of the environment calls this one
 */
export function serviceUrls(service: ServiceSpec, env: EnvironmentSpec, called = false): string[] {
  const internal = `http://${service.name}:${service.port}`;
  if (service.kind === 'backend') return [internal];
  if (service.kind !== 'web') return [];
  return [...[`${service.name}.${env.domain}`, ...service.hostnames].map((h) => `https://${h}`), ...(called ? [internal] : [])];
}
