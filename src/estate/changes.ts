/**
 * What a plan changes, for people to review before they deploy: per environment the services
 * added, removed (what the deploy deletes and what it keeps) and moved (shard, priority,
 * hostnames), the order the plan imposes, and the changes that are almost always mistakes.
 */
import { shiftsTraffic } from '../service/web-routing';
import type { Problem } from '../manifest/problems';
import type { EstateSpec, ServiceKind } from '../manifest/spec';
import { describeClaim } from './claims';
import { type Lock, type LockOrigin, mayBeDeployed, type Position, type ServiceEntry, type StackEntry, stacksByService } from './lock';
import type { StackPlan, StackSelection } from './stack-plan';
import type { Ordering } from './transition';
import { DELIVERY } from '../naming/names';

export interface Changes {
  /** Services no deploy has created yet (listed by every plan until one does). */
  readonly added: Array<{ environment: string; service: string; kind: string; incarnation?: number }>;
  readonly removed: Array<{
    environment: string;
    /** The stack leaving: a removed service's, or a shard's no longer needed. */
    stack: string;
    service?: string;
    shard?: number;
    /** `remove`: this plan's deploy deletes it; `unprotect`: it first lifts deletion protection; `later`: not in this plan. */
    step: 'remove' | 'unprotect' | 'later';
    deletes: string[];
    keeps: string[];
  }>;
  /** Services whose deployed place (shard, rule priorities, hostnames, strategy) the plan changes, until a deploy confirms it. */
  readonly moved: Array<{ environment: string; service: string; from: Position; to: Position }>;
  /** Orderings between stacks of this plan that the change needs (see transition.ts). */
  readonly order: Array<{ environment: string; stack: string; after: string; reason: string }>;
  /** Changes that are almost always mistakes, and other things to read before deploying. */
  readonly flags: string[];
}

/**
 * Changes of the estate as a whole that planning cannot make safe: a renamed estate would build
 * every stack anew beside the old ones; an environment moved to another account or region would be
 * built afresh there and leave the old one running, unmanaged.
 */
export function estateChangeProblems(spec: EstateSpec, previous: Lock): Problem[] {
  const problems: Problem[] = [];
  if (previous.estate && previous.estate !== spec.name) {
    problems.push({
      file: 'estate.yaml',
      field: 'name',
      message: `is '${spec.name}' but the lock was written for estate '${previous.estate}': a renamed estate builds every stack anew beside the deployed ones, which stay. Put back name: ${previous.estate}; to start a separate estate, give it a folder of its own (its manifests, without this lock)`,
    });
  }
  for (const env of spec.environments) {
    const before = previous.environments[env.name];
    if (!before?.account) continue;
    if (before.account !== env.account || before.region !== env.region) {
      problems.push({
        file: 'estate.yaml',
        field: `environments.${env.name}`,
        message: `moved from account ${before.account}, ${before.region} to account ${env.account}, ${env.region}: cityplan would build it afresh there and leave the deployed one running, unmanaged. To move an environment, add a new one (another name) in the new place, move its traffic, then remove the old one's services`,
      });
    }
  }
  return problems;
}

export function summarizeChanges(
  spec: EstateSpec,
  previous: Lock,
  origin: LockOrigin,
  next: Lock,
  planned: readonly StackPlan[],
  orderings: readonly Ordering[],
  extraFlags: readonly string[],
  scope: StackSelection = {},
): Changes {
  const changes: Changes = { added: [], removed: [], moved: [], order: orderings.map((o) => ({ ...o, reason: describeReason(o) })), flags: [] };
  const planNames = new Map(planned.map((p) => [p.name, p]));
  if (origin === 'migrated') {
    changes.flags.push('cityplan.lock.json was written by cityplan 0.1 (version 1): it is rewritten as version 2, with what each stack claims taken from this plan');
  }
  changes.flags.push(...extraFlags);
  for (const [name, env] of Object.entries(previous.environments)) {
    if (name === DELIVERY || spec.environments.some((e) => e.name === name)) continue;
    const stacks = Object.values(env.stacks);
    const deployed = stacks.filter(mayBeDeployed).length;
    changes.flags.push(
      `environment ${name} is in the lock but not in estate.yaml: its ${stacks.length} stacks (${deployed} deployed by cityplan) stay as they are, and cityplan no longer changes them. Put it back; or, to retire it, delete its stacks in CloudFormation (its services' first, then its ingress shards, certificate and foundation) and then its entry from the lock`,
    );
  }
  // This plan's changes: its environments, and its service when it plans one.
  const mine = (service: string | undefined) => !scope.service || service === scope.service;
  for (const env of spec.environments.filter((e) => !scope.environment || e.name === scope.environment)) {
    const before = previous.environments[env.name];
    const after = next.environments[env.name]!;
    if (before?.domain && before.domain !== env.domain) {
      changes.flags.push(
        `environment ${env.name}'s domain changes from ${before.domain} to ${env.domain}: every service's address changes and a new wildcard certificate is issued${env.zoneId ? '' : '; the foundation replaces its hosted zone, whose new name servers must be delegated (the old zone cannot go while records remain in it)'}. Is that meant?`,
      );
    }
    const stackOf = stacksByService(after);
    for (const [service, entry] of Object.entries(after.services)) {
      const old = before?.services[service];
      if (entry.removed || !mine(service)) continue;
      // New to what is deployed: a service whose stack no deploy has touched.
      const stack = stackOf.get(service);
      const added = !mayBeDeployed(stack);
      if (added) {
        changes.added.push({ environment: env.name, service, kind: entry.kind, ...(entry.incarnation ? { incarnation: entry.incarnation } : {}) });
      } else if (entry.lastDeployed) {
        changes.moved.push({ environment: env.name, service, from: entry.lastDeployed, to: position(entry) });
        if (shiftsTraffic(entry.lastDeployed.strategy)) changes.flags.push(rewritesShiftedRule(service, env.name, entry.lastDeployed.strategy!));
      }
      if (!added && old && old.kind !== entry.kind && mayBeDeployed(stack)) {
        changes.flags.push(
          `${service} (${env.name}) changes from a ${old.kind} to a ${entry.kind} service: the deploy deletes what only a ${old.kind} has (${KIND_CONTENTS[old.kind]}). Is that meant?`,
        );
      }
      if (!added && old?.database && mayBeDeployed(stack)) {
        const flag = databaseChange(service, env.name, old.database, entry.database);
        if (flag) changes.flags.push(flag);
      }
      // A queue given up by a deployed stack goes with the messages still in it (a FIFO switch replaces it).
      const stackName = Object.keys(after.stacks).find((k) => after.stacks[k] === stack);
      const was = stack && stackName && mayBeDeployed(stack) ? (before?.stacks[stackName]?.claims ?? []) : [];
      for (const queue of was.filter((c) => c.startsWith('AWS::SQS::Queue ') && !stack!.claims.includes(c))) {
        changes.flags.push(`${service} (${env.name}): the deploy deletes ${describeClaim(queue)} with any messages still in it; let its consumer drain it first`);
      }
    }
    for (const [stack, entry] of Object.entries(after.stacks)) {
      if (!entry.removal || !mine(entry.service)) continue;
      const plan = planNames.get(stack);
      const step = !plan ? 'later' : plan.retiring ? 'unprotect' : 'remove';
      changes.removed.push({
        environment: env.name,
        stack,
        ...(entry.service ? { service: entry.service } : {}),
        ...(entry.shard !== undefined ? { shard: entry.shard } : {}),
        step,
        ...describeRemoval(stack, entry, ...serviceOf(entry.service ? (after.services[entry.service] ?? before?.services[entry.service]) : undefined), env.protect),
      });
      if (step !== 'later' && env.protect) {
        changes.flags.push(`${stack} leaves protected environment ${env.name}: cityplan deploy does this only with --allow-removal`);
      }
    }
  }
  // The delivery account's stacks leaving (a removed service's pipeline), in a plan of the whole estate or of that service.
  const delivery = next.environments[DELIVERY];
  for (const [stack, entry] of Object.entries(scope.environment ? {} : (delivery?.stacks ?? {}))) {
    if (!entry.removal || !mine(entry.service)) continue;
    const plan = planNames.get(stack);
    changes.removed.push({
      environment: DELIVERY,
      stack,
      ...(entry.service ? { service: entry.service } : {}),
      step: plan ? 'remove' : 'later',
      ...describeRemoval(stack, entry),
    });
  }
  return changes;
}

/**
 * ECS moves a canary, linear or blue-green service's traffic by changing the weights of its
 * production listener rule, behind CloudFormation's back, and the two target groups swap roles at
 * every deployment. A change to that rule (its names, its priority, its strategy) makes
 * CloudFormation write the rule as the template has it: all traffic to the first group, which after
 * an odd number of deployments has no tasks. cityplan cannot see which group serves now.
 */
function rewritesShiftedRule(service: string, environment: string, strategy: string): string {
  return `${service} (${environment}) was deployed ${strategy}: ECS left its traffic on either of its two target groups, and this change rewrites its listener rule to send all traffic to the first. If the service's last deployment ended on the second (aws elbv2 describe-rules shows the weights), traffic fails until the service's next deployment: deploy this change at a quiet time and deploy the service right after it`;
}

/** What removing a stack deletes and what it leaves behind, for people. */
/**
 * @param kind the kind of the service whose stack this is (from the lock), which says what the
 *   stack holds besides its claims
 * @param database what becomes of the service's PostgreSQL database, if it has one (from the lock);
 *   unnamed, it holds no claim, so it is said here
 * @param protect whether the stack's environment is protected: a service's bucket (unnamed, so in
 *   no claim, and not in the lock) is then kept, and otherwise deleted only when empty
 */
export function describeRemoval(
  stack: string,
  entry: StackEntry,
  kind?: ServiceKind,
  database?: ServiceEntry['database'],
  protect = false,
): { deletes: string[]; keeps: string[] } {
  const held = [...new Set(entry.removal === 'drained' ? [] : [...entry.claims, ...(entry.held ?? [])])];
  const kept = new Set(entry.retains ?? []);
  const contents =
    entry.role === 'service' ? KIND_CONTENTS[kind ?? 'web'] : entry.role === 'ingress' ? SHARD_CONTENTS : entry.role === 'pipeline' ? PIPELINE_CONTENTS : undefined;
  const drained = entry.removal === 'drained';
  const bucket = entry.role === 'service' && !drained ? [protect ? BUCKET_KEPT : BUCKET_DELETED] : [];
  return {
    deletes: [
      `stack ${stack}${contents ? ` (${contents})` : ''}`,
      ...held.filter((c) => !kept.has(c)).map(describeClaim),
      ...(database?.dropped === 'deleted' && !drained ? [DATABASE_DELETED] : []),
      ...(protect ? [] : bucket),
    ],
    keeps: [
      ...held.filter((c) => kept.has(c)).map(describeClaim),
      ...(database?.dropped === 'retained' && !drained ? [DATABASE_RETAINED] : []),
      ...(protect ? bucket : []),
    ],
  };
}

/** What a pipeline stack holds besides its claims. */
const PIPELINE_CONTENTS = 'its pipeline, build project, their roles and its image records: a service re-added under this name starts with none';

/** What becomes of a service's bucket (see ServiceBucket): CloudFormation deletes only an empty bucket. */
const BUCKET_KEPT = 'any bucket of its own, with its objects';
const BUCKET_DELETED = 'any bucket of its own if it is empty (a bucket with objects in it stops the deletion until someone empties it)';

const DATABASE_DELETED = 'its PostgreSQL database, with its automated backups and no final snapshot';
const DATABASE_RETAINED = 'its PostgreSQL database, still running with deletion protection (delete it yourself, taking a final snapshot, when it is no longer needed)';

/**
 * What a deploy does to a deployed service's database when its `postgres` goes, or switches between
 * an RDS instance and an Aurora cluster (a new, empty database of another resource type: the old
 * one is deleted or, under `protect`, retained, as when it goes).
 */
function databaseChange(service: string, environment: string, was: NonNullable<ServiceEntry['database']>, now: ServiceEntry['database']): string | undefined {
  const fate =
    was.dropped === 'deleted'
      ? 'deletes its PostgreSQL database with all its data and automated backups, taking no final snapshot'
      : 'leaves its PostgreSQL database running outside any stack, with deletion protection (delete it yourself, taking a final snapshot, when it is no longer needed)';
  if (!now) return `${service} (${environment}) no longer has postgres: the deploy ${fate}. Is that meant?`;
  if (now.engine === was.engine) return undefined;
  const name = { rds: 'an RDS instance', aurora: 'Aurora Serverless v2' } as const;
  return `${service} (${environment}) moves its database from ${name[was.engine]} to ${name[now.engine]}: the deploy creates a new, empty database and ${fate}; move the data across yourself. Is that meant?`;
}

/** The kind and database of a service entry, as describeRemoval takes them. */
function serviceOf(s: ServiceEntry | undefined): [ServiceKind | undefined, ServiceEntry['database']] {
  return [s?.kind, s?.database];
}



/** What a service stack of each kind holds besides its claims (which are listed by name). */
const KIND_CONTENTS: Readonly<Record<ServiceKind, string>> = {
  web: 'its ECS service and tasks, task definition, target groups, listener rules, alarms, DNS records and any certificate of its own',
  backend: 'its ECS service and tasks, task definition, its address on the service network and the rules that let its callers in',
  worker: 'its ECS service and tasks, task definition, its queue and dead-letter queue with any messages still in them, its subscriptions and alarms',
  job: 'its schedule, its state machine and any run still going, task definition and alarms',
};

const SHARD_CONTENTS = 'the internet-facing load balancer of the shard, its listeners and security group';

function position(s: ServiceEntry): Position {
  return {
    shard: s.shard,
    priority: s.priority,
    ...(s.priorities ? { priorities: s.priorities } : {}),
    ...(s.hostnames ? { hostnames: s.hostnames } : {}),
    ...(s.strategy ? { strategy: s.strategy } : {}),
  };
}

function describeReason(o: Ordering): string {
  return o.reason.startsWith('{')
    ? `${o.after} stops using ${o.reason.slice(1, -1)}, which ${o.stack} takes away`
    : `${o.stack} takes over ${describeClaim(o.reason)} from ${o.after}`;
}
