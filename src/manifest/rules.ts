/**
 * Cross-field rules: what the schema alone cannot say. Each rule reads one service's effective
 * configuration in one environment and reports at the line of the layer that set the value.
 */
import { availableZoneCount, derivedNames, isReservedServiceName, resourceName, stackName, variable } from '../naming/names';
import { credentialIn } from './credentials';
import { describeFargateMemory, isValidFargateSize } from './fargate';
import { failedIn, type Layer, originOf } from './layers';
import { closest } from './near';
import type { Problem } from './problems';
import { runsAsRoot } from './root-user';
import { coveredByWildcard, type EnvironmentSpec, isInZone, type ServiceSpec } from './spec';
import type { YamlSource } from './yaml-source';
import { HOSTS_PER_RULE } from '../service/web-routing';

function valueIn(data: unknown, path: readonly string[]): unknown {
  let cur = data;
  for (const seg of path) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
  return cur;
}

export class ServiceContext {
  constructor(
    readonly spec: ServiceSpec,
    readonly env: EnvironmentSpec,
    readonly layers: readonly Layer[],
    readonly file: YamlSource,
    readonly estate: string,
  ) {}

  /** A problem at the line that set `path`, or at the service's name when a built-in default did. */
  problem(path: readonly string[], message: string, item?: number): Problem {
    // A value that failed validation is out of the layer's data, but its line is still the one to show.
    const layer = originOf(this.layers, path) ?? [...this.layers].reverse().find((l) => l.source && failedIn([l], path));
    // `item`: the entry of a list the problem is about (the third hostname), so its line is shown.
    if (layer?.source) return layer.source.problem([...layer.base, ...path, ...(item === undefined ? [] : [item])], message);
    return this.file.problem(['name'], `${path.join('.')}: ${message}`);
  }

  /** " in environment X" when any of `paths` is set by that environment's override, so base-file problems read (and dedupe) once. */
  where(...paths: string[][]): string {
    return paths.some((p) => originOf(this.layers, p)?.kind === 'environment override') ? ` in environment ${this.env.name}` : '';
  }

  /**
   * A problem between several values (cpu and memory, min and max), at the line of the one the
   * service set most specifically, naming where each other value was set when that is another file
   * or line: an estate default that conflicts with one service's own value then names both files.
   */
  conflict(paths: ReadonlyArray<readonly string[]>, message: string): Problem {
    const rank = (p: readonly string[]) => {
      const layer = originOf(this.layers, p);
      return layer?.source ? this.layers.indexOf(layer) : -1;
    };
    const at = [...paths].sort((a, b) => rank(b) - rank(a))[0]!;
    const atLayer = originOf(this.layers, at);
    const others = paths
      .filter((p) => p !== at)
      .map((p) => ({ p, layer: originOf(this.layers, p) }))
      .filter(({ layer }) => layer && layer !== atLayer)
      .map(({ p, layer }) => {
        if (!layer!.source) return `${p.join('.')} ${JSON.stringify(valueIn(layer!.data, p))} is the built-in default`;
        const { line } = layer!.source!.position([...layer!.base, ...p]);
        return `${p.join('.')} ${JSON.stringify(valueIn(layer!.data, p))} is set in ${layer!.source!.file}:${line}${layer!.kind === 'estate defaults' ? ', the estate defaults' : ''}`;
      });
    return this.problem([...at], others.length > 0 ? `${message} (${others.join('; ')})` : message);
  }

  /** Whether any of `paths` failed validation in some layer: a rule on it would judge a stand-in. */
  failed(...paths: string[][]): boolean {
    return paths.some((p) => failedIn(this.layers, p));
  }

  /** Whether the service itself set `path` to a value that failed validation (left out of its data). */
  failedItself(path: string[]): boolean {
    return failedIn(this.layers.filter((l) => l.kind === 'service file' || l.kind === 'environment override'), path);
  }

  /** Whether the service itself set `path`, in its file or an environment override (not the estate defaults). */
  setsItself(path: readonly string[]): boolean {
    const layer = originOf(this.layers, path);
    return layer?.kind === 'service file' || layer?.kind === 'environment override';
  }
}

type Rule = (ctx: ServiceContext) => Problem[];

/**
 * A rule that reads `fields`: it stays quiet when one of them failed validation, so that one
 * mistake gives one message (a misspelt `memroy` must not also report the default memory).
 */
const reading =
  (fields: string[][], rule: Rule): Rule =>
  (ctx) =>
    ctx.failed(...fields) ? [] : rule(ctx);

const kindIsGiven: Rule = reading([['kind']], (ctx) =>
  ctx.spec.kind ? [] : [ctx.file.problem(['kind'], 'is required: web, backend, worker or job (here or in the estate defaults)')],
);

const sourceOrImage: Rule = reading([['image'], ['source', 'repo']], (ctx) => {
  const { source, image } = ctx.spec;
  if (source?.repo && image) return [ctx.conflict([['image'], ['source', 'repo']], `give source or image, not both${ctx.where(['image'], ['source', 'repo'])}`)];
  if (!source?.repo && !image) return [ctx.file.problem(['name'], `needs source.repo or image${ctx.where(['image'], ['source', 'repo'])}`)];
  return [];
});

const fargateSize: Rule = reading([['cpu'], ['memory']], (ctx) => {
  if (isValidFargateSize(ctx.spec.cpu, ctx.spec.memory)) return [];
  return [
    ctx.conflict(
      [['memory'], ['cpu']],
      `${ctx.spec.memory} MiB is not a valid Fargate size with cpu ${ctx.spec.cpu}${ctx.where(['cpu'], ['memory'])}; use memory ${describeFargateMemory(ctx.spec.cpu)}`,
    ),
  ];
});

const countRange: Rule = reading([['count', 'min'], ['count', 'max']], (ctx) => {
  const { min, max } = ctx.spec.count;
  return min > max ? [ctx.conflict([['count', 'min'], ['count', 'max']], `min ${min} is more than max ${max}${ctx.where(['count', 'min'], ['count', 'max'])}`)] : [];
});

/** A database is an RDS instance by size or an Aurora Serverless v2 cluster by capacity range, never both. */
const postgresShape: Rule = reading([['postgres']], (ctx) => {
  const pg = ctx.spec.postgres;
  if (!pg) return [];
  const problems: Problem[] = [];
  if (pg.size && pg.serverless) {
    problems.push(ctx.conflict([['postgres', 'serverless'], ['postgres', 'size']], `give size or serverless, not both${ctx.where(['postgres', 'size'], ['postgres', 'serverless'])}`));
  }
  // Aurora Serverless v2 scales down to 0 ACUs but its maximum is at least 1 (CreateDBCluster, MaxCapacity).
  if (pg.serverless && pg.serverless.max < 1) {
    problems.push(ctx.problem(['postgres', 'serverless', 'max'], `is ${pg.serverless.max}; an Aurora Serverless v2 maximum is at least 1 ACU, such as max: 1`));
  }
  if (pg.serverless && pg.serverless.min > pg.serverless.max) {
    problems.push(ctx.conflict([['postgres', 'serverless', 'min'], ['postgres', 'serverless', 'max']], `min ${pg.serverless.min} ACUs is more than max ${pg.serverless.max}`));
  }
  return problems;
});

/** Reads min alone: a wrong max must not hide that min is too low for a protected environment. */
const protectedMinimum: Rule = reading([['count', 'min']], (ctx) => {
  const { min } = ctx.spec.count;
  if (!ctx.env.protect || ctx.spec.kind === 'job' || min >= 2) return [];
  return [ctx.problem(['count', 'min'], `is ${min}, but environment ${ctx.env.name} has protect: true, which needs at least 2 tasks`)];
});

const ONLY_FOR: Array<{ path: string[]; kinds: readonly ServiceSpec['kind'][] }> = [
  { path: ['port'], kinds: ['web', 'backend'] },
  { path: ['health'], kinds: ['web', 'backend'] },
  { path: ['healthGrace'], kinds: ['web', 'backend'] },
  { path: ['hostnames'], kinds: ['web'] },
  { path: ['scale', 'requestsPerTarget'], kinds: ['web'] },
  { path: ['alarms', 'errorRate'], kinds: ['web'] },
  { path: ['alarms', 'latencyP99'], kinds: ['web'] },
  { path: ['deploy'], kinds: ['web', 'backend', 'worker'] },
  { path: ['queue'], kinds: ['worker'] },
  { path: ['subscribe'], kinds: ['worker'] },
  { path: ['schedule'], kinds: ['job'] },
  { path: ['timeout'], kinds: ['job'] },
  // A job runs one task per run, and nothing between runs.
  { path: ['count'], kinds: ['web', 'backend', 'worker'] },
  { path: ['scale', 'cpu'], kinds: ['web', 'backend', 'worker'] },
];

const kindList = (kinds: readonly string[]) => (kinds.length === 1 ? kinds[0]! : `${kinds.slice(0, -1).join(', ')} and ${kinds.at(-1)}`);

/** Kind-specific fields. Values inherited from the estate defaults are ignored where they do not apply. */
const kindFields: Rule = reading([['kind']], (ctx) => {
  if (!ctx.spec.kind) return [];
  const problems = ONLY_FOR.filter((f) => !f.kinds.includes(ctx.spec.kind) && (ctx.setsItself(f.path) || ctx.failedItself(f.path))).map((f) =>
    ctx.problem(f.path, `${NOT_FOR_THIS_KIND} ${kindList(f.kinds)} services; this is a ${ctx.spec.kind} service`),
  );
  if (ctx.spec.kind === 'job' && !ctx.spec.schedule && !ctx.failed(['schedule'])) {
    problems.push(ctx.file.problem(['kind'], `a job needs a schedule, such as schedule: cron(0 2 * * ? *) or rate(1 day)${ctx.where(['kind'])}`));
  }
  // Canary, linear and blue-green shift traffic between two target groups behind the load balancer.
  // (A job has no deploy at all: ONLY_FOR says so, once.)
  if (ctx.spec.kind !== 'web' && ctx.spec.kind !== 'job' && ctx.spec.deploy.strategy !== 'rolling' && ctx.setsItself(['deploy', 'strategy']) && !ctx.failed(['deploy'])) {
    problems.push(ctx.problem(['deploy', 'strategy'], `${ctx.spec.deploy.strategy} shifts load balancer traffic, so only web services have it; use rolling (the default)`));
  }
  return problems;
});

/** `health: none` turns off a backend's container health check; a load balancer always needs a path. */
const healthPath: Rule = reading([['health'], ['kind']], (ctx) =>
  ctx.spec.kind === 'web' && ctx.spec.health === 'none'
    ? [ctx.problem(['health'], 'a web service needs a path its load balancer checks, such as /health; none is for backends whose image cannot run a health check')]
    : [],
);

/**
 * Containers do not run as root unless acknowledged: `user: root` (or 0) needs `rootReason`, which
 * becomes the policy acknowledgement on the task definition (service-task.ts); a reason without
 * root is a leftover.
 */
const rootUser: Rule = reading([['user'], ['rootReason']], (ctx) => {
  const root = runsAsRoot(ctx.spec.user);
  if (root && ctx.spec.rootReason === undefined) {
    return [ctx.problem(['user'], `runs the container as root${ctx.where(['user'])}; use a non-root uid such as "1000:1000" (an image listening below port 1024 can usually listen above it instead), or say why the image must start as root with rootReason: "<why>" beside user`)];
  }
  if (!root && ctx.spec.rootReason !== undefined) return [ctx.problem(['rootReason'], `applies only when user is root or 0; user is ${ctx.spec.user}${ctx.where(['user'])}, so remove rootReason`)];
  return [];
});

const secretsAndEnv: Rule = reading([['secrets'], ['env']], (ctx) => {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const s of ctx.spec.secrets) {
    if (seen.has(s)) problems.push(ctx.problem(['secrets'], `lists ${s} twice`));
    seen.add(s);
    if (s in ctx.spec.env) problems.push(ctx.problem(['env', s], `${s} is also a secret; a variable comes from env or secrets, not both`));
  }
  return problems;
});

/** `secretsMadeByHand` says how a secret of `secrets` is found: a name not in `secrets` is a mistake. */
const secretsMadeByHand: Rule = reading([['secrets'], ['secretsMadeByHand']], (ctx) =>
  ctx.spec.secretsMadeByHand
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !ctx.spec.secrets.includes(s))
    .map(({ s, i }) => ctx.problem(['secretsMadeByHand'], `${s} is not in secrets; list it there too, or take it out of secretsMadeByHand`, i)),
);

/**
 * A credential in `env` would be written into the task definition, the template and the plan:
 * one message per variable, at its line, naming `secrets` as the fix and never the value. A
 * variable also listed in `secrets` has its own message (secretsAndEnv).
 */
const credentialsInEnv: Rule = reading([['env'], ['secrets']], (ctx) =>
  Object.entries(ctx.spec.env)
    .filter(([key]) => !ctx.spec.secrets.includes(key))
    .flatMap(([key, value]) => {
      const what = credentialIn(key, value);
      if (!what) return [];
      // Set once for every environment, it reads once: the secret's name then stands for each.
      const env = ctx.where(['env', key]) ? ctx.env.name : '<environment>';
      // A secret's name is an upper-case variable name: the suggestion must be one secrets takes.
      const name = key.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^[^A-Z]+/, '');
      const at = resourceName.secret(ctx.estate, env, ctx.spec.name, name);
      const renamed = name === key ? '' : ` (secrets takes upper-case names only, so the application reads it as ${name}, not ${key})`;
      return [ctx.problem(['env', key], `${what}; move it to secrets: [${name}] and put the value in Secrets Manager at ${at}${renamed}`)];
    }),
);

/** The variables cityplan sets itself (the queue's URL, each topic's ARN): `env` and `secrets` would be overwritten. */
/**
 * Variables cityplan sets in a container: a service's own value for one would be overwritten. All
 * names starting with CITYPLAN_ are kept for cityplan, as well as those of the queue, topics, bucket and cache.
 */
const platformVariables: Rule = reading([['secrets'], ['env'], ['publish'], ['queue'], ['bucket'], ['cache'], ['postgres']], (ctx) => {
  const ours = new Map<string, string>(ctx.spec.publish.map((t) => [variable.topicArn(t), `the ARN of topic ${t}`]));
  if (ctx.spec.kind === 'worker' && ctx.spec.queue) ours.set(variable.queueUrl, "the URL of the worker's queue");
  if (ctx.spec.bucket) ours.set(variable.bucketName, "the name of the service's bucket");
  if (ctx.spec.cache) {
    ours.set(variable.cacheHost, "the host name of the service's cache");
    ours.set(variable.cachePort, "the port of the service's cache");
  }
  if (ctx.spec.postgres) for (const v of Object.values(variable.postgres)) ours.set(v, 'the connection to its database');
  const whose = (v: string) =>
    ours.has(v) ? `is set by cityplan to ${ours.get(v)}` : v.startsWith(variable.prefix) ? `starts with ${variable.prefix}, which cityplan keeps for its own (${variable.service}, ${variable.environment})` : undefined;
  return [
    ...Object.keys(ctx.spec.env).filter(whose).map((v) => ctx.problem(['env', v], `${v} ${whose(v)}; choose another name`)),
    ...ctx.spec.secrets.filter(whose).map((v) => ctx.problem(['secrets'], `${v} ${whose(v)}; choose another name`)),
  ];
});

const names: Rule = (ctx) => {
  const problems: Problem[] = [];
  if (isReservedServiceName(ctx.spec.name)) {
    problems.push(ctx.file.problem(['name'], `'${ctx.spec.name}' is reserved for the platform's own stacks`));
  }
  for (const d of derivedNames(ctx.estate, ctx.env.name, ctx.spec.name, ctx.env.domain, ctx.failed(['publish']) ? [] : ctx.spec.publish, ctx.spec.cache !== undefined)) {
    if (d.value.length > d.limit) {
      problems.push(
        ctx.file.problem(['name'], `the ${d.what} '${d.value}' would be ${d.value.length} characters; AWS allows ${d.limit}`),
      );
    }
  }
  // Serverless cache names are lower-case words joined by single hyphens (CloudFormation
  // AWS::ElastiCache::ServerlessCacheSnapshot, ServerlessCacheName pattern ^[a-z][a-z0-9]*(-[a-z0-9]+)*$).
  const cacheName = resourceName.cache(ctx.estate, ctx.env.name, ctx.spec.name);
  if (ctx.spec.cache !== undefined && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(cacheName)) {
    problems.push(ctx.file.problem(['name'], `the ElastiCache Serverless cache name '${cacheName}' has two hyphens in a row, which ElastiCache does not allow`));
  }
  return problems;
};

const hostnames: Rule = reading([['hostnames']], (ctx) => {
  const own = resourceName.serviceHost(ctx.spec.name, ctx.env.domain);
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const [i, h] of ctx.spec.hostnames.entries()) {
    if (h === own) problems.push(ctx.problem(['hostnames'], `${h} is the service's own name already; list only extra names`, i));
    else if (seen.has(h)) problems.push(ctx.problem(['hostnames'], `lists ${h} twice`, i));
    else if (!coveredByWildcard(h, ctx.env.domain) && h.length > ACM_FIRST_NAME) {
      problems.push(ctx.problem(['hostnames'], `${h} is ${h.length} characters; a name outside *.${ctx.env.domain} needs a certificate of its own, and ACM takes at most ${ACM_FIRST_NAME} characters for a certificate's name`, i));
    }
    seen.add(h);
  }
  return problems;
});

/** ACM: a certificate's domain name (its first name) is at most 64 characters (ACM quotas; CDK checks it too). */
const ACM_FIRST_NAME = 64;


/**
 * ECS-native canary, linear and blue/green deployments shift traffic on one production listener
 * rule (an ECS service's load balancer advanced configuration names one), whose host-header
 * condition holds at most 5 names (HOSTS_PER_RULE); rules beyond it would keep forwarding to the
 * target group ECS shifted traffic away from. Bake time is a stage of those deployments only.
 */
const deployStrategy: Rule = reading([['deploy'], ['hostnames'], ['kind']], (ctx) => {
  const { strategy, bake } = ctx.spec.deploy;
  const problems: Problem[] = [];
  const hosts = ctx.spec.hostnames.length + 1;
  if (ctx.spec.kind === 'web' && strategy !== 'rolling' && hosts > HOSTS_PER_RULE) {
    problems.push(
      ctx.conflict(
        [['hostnames'], ['deploy', 'strategy']],
        `${strategy} shifts traffic on one listener rule, which matches at most ${HOSTS_PER_RULE} names (<service>.<domain> and ${HOSTS_PER_RULE - 1} hostnames); this service has ${hosts}${ctx.where(['hostnames'], ['deploy', 'strategy'])}: list at most ${HOSTS_PER_RULE - 1} hostnames, or deploy with rolling`,
      ),
    );
  }
  if (strategy === 'rolling' && bake > 0 && ctx.setsItself(['deploy', 'bake'])) {
    problems.push(
      ctx.problem(['deploy', 'bake'], `is a stage of canary, linear and blue-green deployments; rolling stops old tasks as soon as new ones are healthy${ctx.where(['deploy', 'bake'])}`),
    );
  }
  return problems;
});

/** The message of a field set on a kind it does not apply to (see kindFields). */
export const NOT_FOR_THIS_KIND = 'only applies to';

export const SERVICE_RULES: readonly Rule[] = [kindIsGiven, sourceOrImage, fargateSize, countRange, postgresShape, protectedMinimum, kindFields, healthPath, rootUser, secretsAndEnv, secretsMadeByHand, credentialsInEnv, platformVariables, names, hostnames, deployStrategy];

/**
 * A rule on values that must hold together (min and max, cpu and memory), run on the service file
 * alone when the file itself sets every one of them. The per-environment rules judge merged values,
 * so a base value every environment overrides (count: {min: 10, max: 1} under overrides in each
 * environment) would never be judged; yet it is what a new environment would get.
 */
const fileSetsAll =
  (fields: string[][], rule: Rule): Rule =>
  (ctx) =>
    fields.every((p) => ctx.setsItself(p)) ? rule(ctx) : [];

/**
 * Rules run once per service on its file without any environment override (see fileSetsAll),
 * with ServiceContext layers built-in, estate defaults and service file.
 */
export const SERVICE_FILE_RULES: readonly Rule[] = [
  fileSetsAll([['count', 'min'], ['count', 'max']], countRange),
  fileSetsAll([['cpu'], ['memory']], fargateSize),
  fileSetsAll([['postgres', 'serverless', 'min'], ['postgres', 'serverless', 'max']], postgresShape),
];

/**
 * A host name belongs to one service in one environment: DNS can point it one place only. Every
 * service's own <service>.<domain> claims its name first, so an extra hostname never shadows one.
 */
export function uniqueHostnames(contexts: readonly ServiceContext[], holderOf?: (env: string, host: string) => string | undefined): Problem[] {
  const web = contexts.filter((ctx) => ctx.spec.kind === 'web');
  const holders = new Map<string, { service: string; env: string }>();
  for (const ctx of web) holders.set(resourceName.serviceHost(ctx.spec.name, ctx.env.domain), { service: ctx.spec.name, env: ctx.env.name });
  // A name a service held before this change and still lists stays its own: the other is the newcomer.
  for (const ctx of web) {
    for (const h of ctx.spec.hostnames) if (!holders.has(h) && holderOf?.(ctx.env.name, h) === ctx.spec.name) holders.set(h, { service: ctx.spec.name, env: ctx.env.name });
  }
  const problems: Problem[] = [];
  for (const ctx of web) {
    for (const h of new Set(ctx.spec.hostnames)) {
      const holder = holders.get(h);
      if (!holder) {
        holders.set(h, { service: ctx.spec.name, env: ctx.env.name });
      } else if (holder.service !== ctx.spec.name) {
        problems.push(ctx.problem(['hostnames'], `${h} is already used by service ${holder.service} in environment ${holder.env}`, ctx.spec.hostnames.indexOf(h)));
      } else if (holder.env !== ctx.env.name) {
        problems.push(
          ctx.problem(
            ['hostnames'],
            `${h} is claimed in environments ${holder.env} and ${ctx.env.name}; set each environment's own names under environments.<env>.hostnames`,
          ),
        );
      }
    }
  }
  return problems;
}

/**
 * Stack names are `<estate>-<env>-<service>`, so environment `c` with service `a-b` and environment
 * `c-a` with service `b` would both be `<estate>-c-a-b`; a service can likewise take another
 * environment's platform stack name (`x-foundation` in `c` against environment `c-x`). CloudFormation
 * allows one stack of a name in an account and region, and a plan one of a name at all.
 */
export function uniqueStackNames(contexts: readonly ServiceContext[]): Problem[] {
  const platform = new Map<string, string>();
  const shardPrefixes = new Map<string, string>();
  for (const ctx of contexts) {
    for (const name of [stackName.foundation(ctx.estate, ctx.env.name), stackName.certificate(ctx.estate, ctx.env.name)]) platform.set(name, ctx.env.name);
    shardPrefixes.set(stackName.ingress(ctx.estate, ctx.env.name, 0).replace(/0$/, ''), ctx.env.name);
  }
  const shardOf = (name: string) =>
    [...shardPrefixes].find(([prefix]) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))?.[1];
  // Stacks of the delivery account: the estate's shared delivery stack and each service's pipeline
  // (delivery-plan.ts), which an environment named delivery-<x> could otherwise meet.
  const delivery = new Map<string, string>();
  for (const ctx of contexts) {
    delivery.set(stackName.delivery(ctx.estate), "the delivery account's shared stack");
    delivery.set(stackName.pipeline(ctx.estate, ctx.spec.name), `service ${ctx.spec.name}'s pipeline stack`);
  }
  const owners = new Map<string, ServiceContext>();
  const problems: Problem[] = [];
  for (const ctx of contexts) {
    // A reserved name is reported once, as reserved (see names), not again for each clash it makes.
    if (isReservedServiceName(ctx.spec.name)) continue;
    const name = stackName.service(ctx.estate, ctx.env.name, ctx.spec.name);
    const other = owners.get(name);
    const shard = shardOf(name);
    const clash =
      other && other.env.name !== ctx.env.name
        ? `service ${other.spec.name}'s stack in environment ${other.env.name}`
        : platform.has(name)
          ? `environment ${platform.get(name)}'s platform stack`
          : shard
            ? `a load balancer shard stack of environment ${shard}`
            : delivery.has(name)
              ? delivery.get(name)
              : undefined;
    if (clash) problems.push(ctx.file.problem(['name'], `its stack in environment ${ctx.env.name} would be named ${name}, the name of ${clash}; rename the service or an environment`));
    owners.set(name, ctx);
  }
  return problems;
}

/**
 * The links between services in one environment: `calls` name a backend or web service there,
 * `subscribe` names a topic its service publishes. A callee's security group takes one inbound
 * rule per caller (a web service's also one from its load balancer), within the 60 inbound rules a
 * security group has by default (Amazon VPC quotas: inbound or outbound rules per security group).
 * A job calls nothing: its tasks are standalone, and ECS Service Connect serves only the tasks of
 * ECS services (ServiceConnectConfiguration: "Only the tasks that Amazon ECS services create are
 * supported with Service Connect").
 */
export function serviceLinks(contexts: readonly ServiceContext[], fileNames: ReadonlySet<string> = new Set()): Problem[] {
  const problems: Problem[] = [];
  const byEnv = new Map<string, Map<string, ServiceContext>>();
  for (const ctx of contexts) {
    if (!byEnv.has(ctx.env.name)) byEnv.set(ctx.env.name, new Map());
    byEnv.get(ctx.env.name)!.set(ctx.spec.name, ctx);
  }
  /** Where each service runs, to tell "not in this estate" from "not in this environment" (runsIn). */
  const runsIn = new Map<string, string[]>();
  for (const ctx of contexts) runsIn.set(ctx.spec.name, [...(runsIn.get(ctx.spec.name) ?? []), ctx.env.name]);
  const elsewhere = (name: string, env: string) => {
    const envs = runsIn.get(name);
    return envs && !envs.includes(env) ? `${name} does not run in environment ${env} (its runsIn: ${envs.join(', ')}); add ${env} to its runsIn, or run this service where ${name} runs only (runsIn: [${envs.join(', ')}])` : undefined;
  };
  for (const [envName, services] of byEnv) {
    const names = [...services.keys()];
    const callers = new Map<string, string[]>();
    for (const ctx of services.values()) {
      if (ctx.spec.kind === 'job' && ctx.spec.calls.length > 0) {
        // Calls inherited from the estate defaults are ignored, as fields of other kinds are.
        if (ctx.setsItself(['calls']) && !ctx.failed(['calls'])) {
          problems.push(
            ctx.problem(
              ['calls'],
              'a job cannot call other services: its tasks are started on a schedule, not by an ECS service, and Service Connect (the service network) serves only the tasks of ECS services; let a worker or backend make the call',
            ),
          );
        }
      } else if (!ctx.failed(['calls'])) {
        const seen = new Set<string>();
        for (const callee of ctx.spec.calls) {
          const target = services.get(callee);
          if (seen.has(callee)) problems.push(ctx.problem(['calls'], `lists ${callee} twice`));
          else if (callee === ctx.spec.name) problems.push(ctx.problem(['calls'], `lists the service itself; a service reaches its own tasks without calls`));
          else if (!target) {
            const away = elsewhere(callee, envName);
            // A service whose own file is wrong is reported there, not again by everything that names it.
            if (away) problems.push(ctx.problem(['calls'], away));
            else if (!fileNames.has(callee)) problems.push(ctx.problem(['calls'], `${callee} is not a service of this estate${didYouMean(callee, names)}`));
          } else if (target.failed(['kind']) || !target.spec.kind) {
            // Its kind is wrong in its own file: whether it can be called is not known yet.
          } else if (target.spec.kind !== 'backend' && target.spec.kind !== 'web') {
            problems.push(ctx.problem(['calls'], `${callee} is a ${target.spec.kind} service, which answers no calls; only backend and web services can be called`));
          } else callers.set(callee, [...(callers.get(callee) ?? []), ctx.spec.name]);
          seen.add(callee);
        }
      }
      if (!ctx.failed(['publish'])) {
        const topics = new Set<string>();
        for (const t of ctx.spec.publish) {
          if (topics.has(t)) problems.push(ctx.problem(['publish'], `lists topic ${t} twice`));
          topics.add(t);
        }
      }
      if (ctx.spec.kind === 'worker' && !ctx.failed(['subscribe'])) {
        // SNS keeps one subscription per topic and endpoint: a second, with another filter, would be refused.
        const subscribed = new Set<string>();
        for (const sub of ctx.spec.subscribe) {
          const publisher = services.get(sub.service);
          const key = `${sub.service} ${sub.topic}`;
          if (subscribed.has(key)) problems.push(ctx.problem(['subscribe'], `subscribes twice to topic ${sub.topic} of ${sub.service}; one subscription takes one filter`));
          subscribed.add(key);
          if (!publisher) {
            const away = elsewhere(sub.service, envName);
            if (away) problems.push(ctx.problem(['subscribe'], away));
            else if (!fileNames.has(sub.service)) problems.push(ctx.problem(['subscribe'], `${sub.service} is not a service of this estate${didYouMean(sub.service, names)}`));
          } else if (!publisher.failed(['publish']) && !publisher.spec.publish.includes(sub.topic)) {
            const has = publisher.spec.publish;
            problems.push(
              ctx.problem(['subscribe'], `${sub.service} publishes no topic ${sub.topic}${has.length ? ` (it publishes ${has.join(', ')})` : '; it needs publish: [' + sub.topic + ']'}`),
            );
          }
        }
        if (ctx.spec.subscribe.length > 0 && ctx.spec.queue?.fifo && !ctx.failed(['queue'])) {
          problems.push(ctx.problem(['queue', 'fifo'], 'a FIFO queue takes messages from FIFO topics only, and service topics are standard; drop fifo: true or the subscriptions'));
        }
      }
    }
    problems.push(...linkCycles(services));
    for (const [callee, list] of callers) {
      const target = services.get(callee)!;
      // A web service's group also lets its load balancer in: one rule fewer for callers.
      const room = target.spec.kind === 'web' ? INBOUND_RULES - 1 : INBOUND_RULES;
      if (list.length > room) {
        problems.push(
          target.file.problem(
            ['name'],
            `is called by ${list.length} services; its security group takes ${INBOUND_RULES} inbound rules by default${target.spec.kind === 'web' ? ', one of them its load balancer' : ''}, one per caller (at most ${room} callers)`,
          ),
        );
      }
    }
  }
  return problems;
}

/**
 * A service's stack is deployed after the stacks of the services it calls (it opens their security
 * groups) and of those whose topics it takes (it subscribes to them): services that wait on each
 * other, through any chain, can never be deployed. One problem per cycle, at the first service of it.
 */
function linkCycles(services: ReadonlyMap<string, ServiceContext>): Problem[] {
  const after = (ctx: ServiceContext) =>
    [...new Set([...(ctx.spec.kind === 'job' ? [] : ctx.spec.calls), ...(ctx.spec.kind === 'worker' ? ctx.spec.subscribe.map((s) => s.service) : [])])].filter(
      (n) => n !== ctx.spec.name && services.has(n),
    );
  const problems: Problem[] = [];
  const reported = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'open') {
      const cycle = path.slice(path.indexOf(name));
      const key = [...cycle].sort().join(' ');
      if (reported.has(key)) return;
      reported.add(key);
      const first = services.get(cycle[0]!)!;
      const steps = [...cycle, cycle[0]!].map((n, i, all) => (i === 0 ? n : `${link(services.get(all[i - 1]!)!, n)} ${n}`)).join(' ');
      const field = first.spec.calls.includes(cycle[1]!) ? 'calls' : 'subscribe';
      const onlyTopics = cycle.every((n, i) => link(services.get(n)!, cycle[(i + 1) % cycle.length]!) !== 'calls');
      const advice = onlyTopics
        ? 'break the circle: one of them stops taking the other’s topic (a third service can publish what both need)'
        : 'break the circle (one side publishing a topic the other takes, say, instead of calling it)';
      problems.push(first.problem([field], `${steps}: each service's stack is deployed after those it calls or takes topics from, so these can never be deployed; ${advice}`));
      return;
    }
    state.set(name, 'open');
    for (const next of after(services.get(name)!)) visit(next, [...path, name]);
    state.set(name, 'done');
  };
  for (const name of [...services.keys()].sort()) visit(name, []);
  return problems;
}

const link = (from: ServiceContext, to: string) => (from.spec.calls.includes(to) ? 'calls' : 'takes topics of');

/** "; did you mean x?" when a known name is near: looked for only once a name is not found. */
function didYouMean(name: string, known: readonly string[]): string {
  const near = closest(name, known);
  return near ? `; did you mean ${near}?` : '';
}

/** Inbound rules per security group: the Amazon VPC default quota ("Inbound or outbound rules per security group", 60, for IPv4 rules). */
const INBOUND_RULES = 60;

/**
 * DNS names belong to one environment: two environments cannot share a domain, and a service's
 * name in one environment cannot fall in another's zone (staging.<domain> delegated to staging's
 * own zone is where production's names must not go: the records would land in the wrong zone and
 * never answer).
 */
export function domainsApart(environments: readonly EnvironmentSpec[], contexts: readonly ServiceContext[], source: YamlSource): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, EnvironmentSpec>();
  for (const env of environments) {
    const other = seen.get(env.domain);
    if (other) {
      // The unprotected one moves to a name under the other's, as staging.<production domain> does:
      // the protected environment keeps its addresses.
      const [moves, keeps] = env.protect && !other.protect ? [other, env] : [env, other];
      problems.push(
        source.problem(
          ['environments', moves.name, 'domain'],
          `${env.domain} is environment ${keeps.name}'s domain too; each environment needs its own, such as ${moves.name}.${env.domain} (delegated from ${keeps.name}'s zone)`,
        ),
      );
    }
    seen.set(env.domain, env);
    // The wildcard certificate *.<domain> is the certificate's name: ACM takes 64 characters.
    if (env.domain.length > ACM_FIRST_NAME - 2) {
      problems.push(source.problem(['environments', env.name, 'domain'], `is ${env.domain.length} characters; its certificate *.${env.domain} may have at most ${ACM_FIRST_NAME} (ACM), so the domain at most ${ACM_FIRST_NAME - 2}`));
    }
  }
  for (const ctx of contexts) {
    if (ctx.spec.kind !== 'web') continue;
    for (const host of [resourceName.serviceHost(ctx.spec.name, ctx.env.domain), ...ctx.spec.hostnames]) {
      // Another environment's zone delegated from inside this one's: records for the name would go
      // into this environment's zone, where the delegation hides them. Or the other zone's own apex.
      const zone = environments.find(
        (e) => e.name !== ctx.env.name && (host === e.domain || (isInZone(host, e.domain) && e.domain !== ctx.env.domain && isInZone(e.domain, ctx.env.domain))),
      );
      if (!zone) continue;
      const own = host === resourceName.serviceHost(ctx.spec.name, ctx.env.domain);
      problems.push(
        own
          ? ctx.file.problem(['name'], `its name in environment ${ctx.env.name}, ${host}, is in environment ${zone.name}'s zone ${zone.domain}; rename the service`)
          : ctx.problem(['hostnames'], `${host} is in environment ${zone.name}'s zone ${zone.domain}, not ${ctx.env.name}'s; give it under environments.${zone.name}.hostnames`, ctx.spec.hostnames.indexOf(host)),
      );
    }
  }
  return problems;
}

export function environmentRules(env: EnvironmentSpec, source: YamlSource): Problem[] {
  const available = availableZoneCount(env.region);
  return env.zones > available
    ? [source.problem(['environments', env.name, 'zones'], `${env.region} has ${available} zones cityplan can place tasks in, not ${env.zones}`)]
    : [];
}
