/**
 * `cityplan plan`: validate, allocate, synthesize, run policy and quota checks. Nothing is written
 * (neither the assembly nor the lock) unless every check passes.
 */
import { findingProblem } from '../policy/finding-fields';
import { join } from 'node:path';
import { closest } from '../manifest/near';
import { EstateError, type Problem, UsageError } from '../manifest/problems';
import { type EnvironmentSpec, type EstateSpec, type ServiceSpec, serviceUrls } from '../manifest/spec';
import type { Acknowledgement } from '../policy/packs';
import type { ShardUsage } from './allocate';
import type { EnvironmentAllocation } from './allocation';
import { addDependencies } from './assembly-merge';
import { type Changes, summarizeChanges } from './changes';
import { type Lock, LOCK_FILE, mayBeDeployed, prioritiesOf, serializeLock } from './lock';
import { committedLock } from './lock-history';
import { PlanOutput } from './plan-output';
import { DELIVERY, resourceName, stackName } from '../naming/names';
import { type PreparedEstate, prepareEstate } from './prepare';
import { deliveryPrerequisites, environmentPrerequisites, type Prerequisite, type ServiceInPlan } from './prerequisites';
import { checkStackQuotas, describeBreach } from './quotas';
import { planStacks, type StackPlan, type StackSelection } from './stack-plan';
import type { SynthesizedStack } from './synthesize';
import { checkTransition } from './transition';
import { synthesizeWithCache } from './cached-synthesis';
import { StackCache } from './stack-cache';
import { Builder } from './builder';
import { workerCount } from './worker-count';
import { mark } from './timings';

export interface PlanOptions extends StackSelection {
  /** Cloud assembly directory; default cdk.out. */
  readonly out?: string;
  /**
   * Reuse the stacks of earlier plans whose inputs did not change, from the estate's plan cache
   * (`.cityplan/cache/`, see stack-cache.ts); default false: every stack is built.
   */
  readonly cache?: boolean;
}

export interface PlannedService {
  readonly name: string;
  readonly kind: string;
  readonly shard?: number;
  /** The priority of its first listener rule. */
  readonly priority?: number;
  /** Web services: the priority of each of its listener rules (one per 5 host names), first rule first. */
  readonly priorities?: number[];
  readonly urls: string[];
  /** The services whose `calls` name this one (absent when none do). */
  readonly calledBy?: string[];
  /** A worker's queue: FIFO or not, and the topics (`<service>/<topic>`) delivered into it. */
  readonly queue?: { readonly fifo: boolean; readonly subscribes: string[] };
  /** Topics this service publishes. */
  readonly publishes?: string[];
  /** Services this one calls. */
  readonly calls?: string[];
  /** The data stores the service owns: `postgres small`, `postgres serverless 0.5–4 ACU`, `bucket (versioned)`, `cache`. */
  readonly data?: string[];
  readonly stack?: string;
  readonly resources?: number;
  /** Fargate CPU units (1024 = 1 vCPU) and memory in MiB of each task, as resolved for this environment. */
  readonly cpu: number;
  readonly memory: number;
  /** How many tasks autoscaling keeps running, at least and at most; a job's 0–1: one task while a run lasts. */
  readonly count: { readonly min: number; readonly max: number };
  /** A job's schedule expression (UTC) and the minutes after which a run is stopped. */
  readonly schedule?: string;
  readonly timeout?: number;
  /** Why a service has no stack in this plan. */
  readonly note?: string;
}

export interface PlanResult {
  readonly estate: string;
  readonly environments: Array<{
    readonly name: string;
    readonly account: string;
    readonly region: string;
    readonly domain: string;
    readonly protect: boolean;
    readonly zones: EnvironmentSpec['zones'];
    readonly capacity: EnvironmentSpec['capacity'];
    /** How tasks reach AWS APIs and the internet (estate `environments.<env>.egress`; src/platform/egress-plan.ts). */
    readonly egress: EnvironmentSpec['egress'];
    /** Manual approval before this environment in pipelines. */
    readonly approval: boolean;
    /** What runs in the environment at run time: the responder's dry run, cityplan's own Config recorder, GuardDuty. */
    readonly operations: { readonly responderDryRun: boolean; readonly configRecorder: boolean; readonly guardduty: boolean };
    /** The foundation creates the zone: its name servers must be delegated before the certificate can be issued. */
    readonly createsZone: boolean;
    /** The created zone's name servers, once a deploy has read them. */
    readonly nameServers?: readonly string[];
    readonly shards: ShardUsage[];
    readonly services: PlannedService[];
    /** What must exist before this plan's deploy can succeed here (see prerequisites.ts). */
    readonly prerequisites: Prerequisite[];
  }>;
  readonly stacks: SynthesizedStack[];
  /** Whether the estate has service pipelines (estate.yaml names `delivery.repo`). */
  readonly pipelines: boolean;
  /** What must exist outside any environment before this plan's deploy: the delivery account's bootstrap (prerequisites.ts). */
  readonly prerequisites: Prerequisite[];
  /** Policy findings: none unacknowledged (a plan with one fails); each acknowledgement with its reason. */
  readonly findings: { readonly unacknowledged: number; readonly acknowledged: number; readonly acknowledgements: readonly Acknowledgement[] };
  readonly changes: Changes;
  readonly assembly: string;
  readonly lock: { readonly path: string; readonly changed: boolean };
  /** Stacks of this plan no cityplan deploy has touched, by the lock: deploy refuses to overwrite one that exists. */
  readonly newStacks: readonly string[];
  /**
   * How many stacks came from the plan cache, how many were derived from a stand-in of their shape,
   * how many were built (all built without the cache), and which; how many stand-ins were built.
   */
  readonly cache: { readonly reused: number; readonly derived: number; readonly built: number; readonly builtStacks: readonly string[]; readonly standIns: number };
}

/** Where the worker entry is once built (dist/synth-worker.js beside dist/cli.js). */
const WORKER_SCRIPT = join(__dirname, 'synth-worker.js');

/**
 * @param prepared the estate as prepareEstate read it with these options, when the caller has it
 *   already (deploy checks it before planning)
 */
export async function planEstate(dir: string, options: PlanOptions = {}, prepared?: PreparedEstate): Promise<PlanResult> {
  // Started first, so that it loads the construct library while this thread reads the estate.
  const builder = Builder.start();
  try {
    return await planPrepared(dir, options, prepared ?? prepareEstate(dir, options, { cache: options.cache }), builder);
  } finally {
    await builder?.stop();
  }
}

async function planPrepared(dir: string, options: PlanOptions, prepared: PreparedEstate, builder: Builder | undefined): Promise<PlanResult> {
  mark('prepare: manifests, lock, allocation');
  const { spec, read, previous, allocated, allocation } = prepared;
  checkSelection(spec, previous, options);
  const problems: Problem[] = [];

  const planned = planStacks(spec, allocation, options, previous);
  checkSomethingPlanned(planned, options);
  checkTopicsPublished(spec, previous, planned);
  const output = PlanOutput.open(options.out ?? 'cdk.out');
  const { out, staging } = output;
  try {
    // The builder builds once, and not after it was stopped for the pool of workers: a second
    // build (stacks of a shape that failed its check, or that could not be derived) runs without it.
    let builderFree = builder !== undefined;
    const cached = await synthesizeWithCache(options.cache ? StackCache.of(dir) : undefined, spec, allocation, planned, staging, async (stacks, given) => {
      const workers = workerCount(stacks.length, WORKER_SCRIPT);
      const free = builderFree;
      builderFree = false;
      if (workers <= 1 && free) return builder!.build(spec, allocation, stacks, staging, given);
      await builder?.stop();
      // Loaded only when a stack must be built: the construct library and the policy packs take
      // about half a second to load, which a plan served from the cache does not need.
      const { synthesizeInWorkers, synthesizeStacks } = await import('./synthesize.js');
      return workers > 1
        ? await synthesizeInWorkers({ spec, allocation, given }, stacks, staging, workers, WORKER_SCRIPT)
        : synthesizeStacks(spec, allocation, stacks, staging, given);
    });
    const { synthesis } = cached;
    mark('synthesis and cache');
    const fileOf = manifestFileOf(spec, previous, planned);
    problems.push(...synthesis.findings.map((f) => findingProblem(spec.dir, fileOf(f.path.split('/')[0]!), f)));
    problems.push(...checkStackQuotas(synthesis.stacks).map((b) => ({ file: fileOf(b.stack!), message: describeBreach(b) })));
    for (const s of synthesis.stacks) {
      for (const d of new Set(s.duplicates)) problems.push({ file: fileOf(s.name), message: `stack ${s.name} would hold ${d} twice; AWS allows one` });
    }
    const plannedByName = new Map(planned.map((p) => [p.name, p]));
    const wanted = new Set(planStacks(spec, allocation).map((p) => p.name));
    const transition = checkTransition(
      spec,
      allocated,
      synthesis.stacks.map((s) => ({ plan: plannedByName.get(s.name)!, claims: s.claims, retains: s.retains })),
      wanted,
      fileOf,
      options,
    );
    problems.push(...transition.problems);
    if (problems.length > 0) throw new EstateError(problems);
    mark('checks: findings, quotas, transition');
    addDependencies(staging, transition.orderings);

    // A lock missing where git had one was lost: every plan says so until a deploy settles it.
    const replaces = read.origin === 'none' ? committedLock(dir) : previous.replaces;
    const next = replaces ? { ...transition.lock, replaces } : transition.lock;
    const lockPath = join(dir, LOCK_FILE);
    const lockText = serializeLock(next);
    const changed = read.origin !== 'current' || serializeLock(read.lock) !== lockText;
    // The lock's new text is written first, so that an estate folder that cannot take it fails the
    // plan before the assembly is replaced.
    if (changed) output.stageLock(dir, lockText);
    await output.commit();
    mark('lock and assembly committed');
    cached.remember(out, !options.environment && !options.service);
    prepared.manifests?.save();
    mark('cache pruned');

    const flags = replaces
      ? [
          `cityplan.lock.json was started afresh, but git has an earlier one (commit ${replaces}): if this estate is deployed, restore that lock before you deploy (git -C ${dir} checkout ${replaces} -- ${LOCK_FILE}); without it every service is placed afresh, and deploy refuses to overwrite stacks the lock has no record of`,
        ]
      : read.origin === 'none'
        ? [`no ${LOCK_FILE} in ${dir}: this plan takes estate ${spec.name} as new, with nothing deployed, and starts one; commit it`]
        : [...prepared.restarted];
    return {
      estate: spec.name,
      environments: summarizeEnvironments(spec, allocation, previous, next, synthesis.stacks, options),
      stacks: synthesis.stacks,
      pipelines: !!spec.delivery.repo,
      prerequisites: deliveryPrerequisites(spec, previous, planned.some((p) => p.environment === DELIVERY)),
      findings: { unacknowledged: 0, acknowledged: synthesis.acknowledgements.length, acknowledgements: synthesis.acknowledgements },
      changes: summarizeChanges(spec, previous, read.origin, next, planned, transition.orderings, flags, options),
      assembly: out,
      lock: { path: lockPath, changed },
      newStacks: planned.filter((p) => !mayBeDeployed(previous.environments[p.environment]?.stacks[p.name])).map((p) => p.name),
      cache: cached.cache,
    };
  } finally {
    output.discard();
  }
}

/**
 * A worker subscribes to a topic by its computed ARN, read from nothing the deploy could wait for:
 * the topic must be in the publisher's stack as the lock records it, or in this plan. A one-service
 * plan of a worker taking a topic its publisher has not been planned with yet is refused here, as
 * one of a caller of a security group not yet published is (transition.ts).
 */
function checkTopicsPublished(spec: EstateSpec, previous: Lock, planned: readonly StackPlan[]): void {
  const inPlan = new Set(planned.map((p) => p.name));
  const problems: Problem[] = [];
  for (const plan of planned) {
    if (plan.role !== 'service') continue;
    const service = spec.services.get(plan.environment)?.find((s) => s.name === plan.service);
    if (service?.kind !== 'worker') continue;
    for (const sub of service.subscribe) {
      const publisherStack = stackName.service(spec.name, plan.environment, sub.service);
      if (inPlan.has(publisherStack)) continue;
      const topic = `AWS::SNS::Topic ${resourceName.topic(spec.name, plan.environment, sub.service, sub.topic)}`;
      if (previous.environments[plan.environment]?.stacks[publisherStack]?.claims.includes(topic)) continue;
      problems.push({
        file: service.file,
        field: 'subscribe',
        message: `takes topic ${sub.topic} of ${sub.service}, which ${sub.service}'s stack does not publish yet in ${plan.environment}: plan and deploy ${plan.environment} as a whole, or first service ${sub.service}`,
      });
    }
  }
  if (problems.length > 0) throw new EstateError(problems);
}

/** What a service keeps: its database, bucket and cache, in a few words each. */
function dataStores(s: ServiceSpec): string[] {
  const pg = s.postgres;
  return [
    pg ? (pg.serverless ? `postgres serverless ${pg.serverless.min}–${pg.serverless.max} ACU` : `postgres ${pg.size ?? 'small'}`) : '',
    s.bucket ? `bucket${s.bucket.versioned ? ' (versioned)' : ''}` : '',
    s.cache ? 'cache' : '',
  ].filter(Boolean);
}

/**
 * The environment an `--env` names.
 * @throws UsageError naming the nearest environment and all of them, when the estate has none of that name
 */
export function environmentNamed(spec: EstateSpec, name: string): EstateSpec['environments'][number] {
  const env = spec.environments.find((e) => e.name === name);
  if (env) return env;
  const names = spec.environments.map((e) => e.name);
  const near = closest(name, names);
  throw new UsageError(`no environment '${name}' in ${spec.name}${near ? `; did you mean ${near}?` : ''} (${names.join(', ')})`);
}

export function checkSelection(spec: EstateSpec, previous: Lock, options: PlanOptions): void {
  if (options.environment) environmentNamed(spec, options.environment);
  if (options.service !== undefined && options.service.trim() === '') throw new UsageError('--service needs a service name, such as --service book-a-prison-visit');
  if (options.environment !== undefined && options.environment.trim() === '') throw new UsageError(`--env needs an environment name (${spec.environments.map((e) => e.name).join(', ')})`);
  if (options.service) {
    const all = new Set([...spec.services.values()].flat().map((s) => s.name));
    // A removed service whose stack is still deployed can be planned on its own: that removes it.
    const leaving = Object.values(previous.environments).some((e) => Object.values(e.stacks).some((s) => s.service === options.service));
    if (!all.has(options.service) && !leaving) throw new UsageError(`no service '${options.service}' in ${spec.name}${serviceHint(options.service, [...all])}`);
  }
}

/** "; did you mean x?" and the services there are, a few when there are many. */
function serviceHint(wanted: string, services: readonly string[]): string {
  const near = closest(wanted, services);
  const sorted = [...services].sort();
  const listed = sorted.length <= 12 ? sorted.join(', ') : `${sorted.slice(0, 12).join(', ')} and ${sorted.length - 12} more`;
  return `${near ? `; did you mean ${near}?` : ''} (services: ${listed || 'none yet'})`;
}

/**
 * A selection that builds no stack (a removed service, in an environment it never was in) is a
 * request cityplan cannot carry out: say so rather than let the toolkit say "This app contains no
 * stacks".
 */
function checkSomethingPlanned(planned: readonly StackPlan[], options: PlanOptions): void {
  if (planned.length > 0 || !options.service) return;
  throw new UsageError(`nothing to plan for service ${options.service}${options.environment ? ` in environment ${options.environment}` : ''}`);
}

/**
 * The manifest a stack comes from: a service's own file (also once the service is removed: the
 * file the user deleted), or estate.yaml for shared stacks.
 */
export function manifestFileOf(spec: EstateSpec, previous: Lock, planned: readonly StackPlan[]): (stack: string) => string {
  const byName = new Map(planned.map((p) => [p.name, p]));
  return (stack) => {
    const plan = byName.get(stack);
    const service = plan?.service && spec.services.get(plan.environment)?.find((s) => s.name === plan.service);
    if (service) return service.file;
    for (const env of Object.values(previous.environments)) {
      const name = plan?.service ?? env.stacks[stack]?.service;
      if (name) return `services/${name}.yaml`;
    }
    return 'estate.yaml';
  };
}

function summarizeEnvironments(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  previous: Lock,
  next: Lock,
  sizes: readonly SynthesizedStack[],
  options: PlanOptions,
): PlanResult['environments'] {
  const sizeOf = new Map(sizes.map((s) => [s.name, s]));
  return spec.environments
    .filter((env) => !options.environment || env.name === options.environment)
    .map((env) => {
      const placed = allocation.get(env.name)!;
      const knownShards = new Set(Object.values(previous.environments[env.name]?.services ?? {}).map((p) => p.shard));
      // Each service's callers, in service order: once per environment, not once per service.
      const callersOf = new Map<string, string[]>();
      for (const c of spec.services.get(env.name) ?? []) {
        if (c.kind === 'job') continue;
        for (const callee of new Set(c.calls)) callersOf.set(callee, [...(callersOf.get(callee) ?? []), c.name]);
      }
      const services = (spec.services.get(env.name) ?? [])
        .filter((s) => !options.service || s.name === options.service)
        .map((s): PlannedService => {
          const placement = placed.placements[s.name];
          const stack = stackName.service(spec.name, env.name, s.name);
          const size = sizeOf.get(stack);
          // A one-service plan does not build shards; a shard the lock did not have is not deployed yet.
          const newShard = options.service && placement && !knownShards.has(placement.shard);
          const calledBy = callersOf.get(s.name) ?? [];
          return {
            name: s.name,
            kind: s.kind,
            shard: placement?.shard,
            priority: placement?.priority,
            ...(placement ? { priorities: prioritiesOf(placement) } : {}),
            urls: serviceUrls(s, env, calledBy.length > 0),
            ...(calledBy.length > 0 ? { calledBy } : {}),
            cpu: s.cpu,
            memory: s.memory,
            count: s.kind === 'job' ? { min: 0, max: 1 } : { min: s.count.min, max: s.count.max },
            ...(s.kind === 'job' ? { schedule: s.schedule, timeout: s.timeout } : {}),
            ...(s.kind === 'worker' && s.queue ? { queue: { fifo: !!s.queue.fifo, subscribes: s.subscribe.map((x) => `${x.service}/${x.topic}`) } } : {}),
            ...(s.publish.length > 0 ? { publishes: [...s.publish] } : {}),
            ...(s.calls.length > 0 ? { calls: [...s.calls] } : {}),
            ...(dataStores(s).length > 0 ? { data: dataStores(s) } : {}),
            ...(size ? { stack, resources: size.resources } : {}),
            ...(newShard
              ? { note: `load balancer shard ${placement.shard} is new: plan and deploy ${env.name} without --service first` }
              : {}),
          };
        });
      const nameServers = !env.zoneId ? next.environments[env.name]?.nameServers : undefined;
      // Only services with a stack in this plan read secrets, images and records at deploy.
      const inPlan = (spec.services.get(env.name) ?? [])
        .filter((s) => sizeOf.has(stackName.service(spec.name, env.name, s.name)))
        .map((s): ServiceInPlan => ({ spec: s, shard: placed.placements[s.name]?.shard, incarnation: placed.incarnations[s.name] }));
      return {
        name: env.name,
        account: env.account,
        region: env.region,
        domain: env.domain,
        protect: env.protect,
        zones: env.zones,
        capacity: env.capacity,
        egress: env.egress,
        approval: env.approval,
        operations: { responderDryRun: env.runbooks.dryRun, configRecorder: env.config.recorder, guardduty: env.guardduty },
        createsZone: !env.zoneId,
        ...(nameServers ? { nameServers } : {}),
        shards: [...placed.shards],
        services,
        prerequisites: environmentPrerequisites(spec, env, inPlan, previous, nameServers),
      };
    });
}
