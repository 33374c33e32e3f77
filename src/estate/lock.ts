/**
 * cityplan.lock.json: the estate's memory, committed next to the manifests.
 *
 * Per environment it records where each service sits (shard, rule priority, hostnames) and, per
 * stack, what that stack claims that AWS lets only one resource hold at a time (see claims.ts):
 * the claims of the last plan, the claims earlier plans gave up that no deploy has yet confirmed
 * released (`held`), and which of them outlive their resource (`retains`). A service removed from
 * the manifests stays in the lock, with everything its stack holds, until a deploy has deleted
 * that stack; what the deletion left behind is listed under `retained`.
 *
 * Version 1 (cityplan 0.1) recorded only shard and priority of web services; it is read and
 * migrated (see migrateV1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EstateError } from '../manifest/problems';
import { stackName } from './naming';

export const LOCK_FILE = 'cityplan.lock.json';

const claimList = z.array(z.string());

const placement = z.strictObject({
  shard: z.int().min(0),
  priority: z.int().min(1).max(50000),
});

const position = z.strictObject({
  shard: z.int().min(0).optional(),
  priority: z.int().min(1).max(50000).optional(),
  hostnames: z.array(z.string()).optional(),
});

const serviceEntry = z.strictObject({
  kind: z.enum(['web', 'worker', 'job']),
  /** Web services: load balancer shard and listener-rule priority. */
  shard: z.int().min(0).optional(),
  priority: z.int().min(1).max(50000).optional(),
  /** Web services: every name the service answers to, its own first. */
  hostnames: z.array(z.string()).optional(),
  /** Which life of the service this is, when an earlier one left retained resources behind (2, 3, …). */
  incarnation: z.int().min(2).optional(),
  /** The day a plan first found the service gone; it stays until a deploy has deleted its stack. */
  removed: z.iso.date().optional(),
  /** Where the service was when last deployed, while a planned move (shard, priority, hostnames) is not. */
  lastDeployed: position.optional(),
});

const stackEntry = z.strictObject({
  role: z.enum(['foundation', 'certificate', 'ingress', 'service']),
  service: z.string().optional(),
  shard: z.int().min(0).optional(),
  /** What the stack's template of the last plan claims. */
  claims: claimList,
  /** Claims of earlier plans that the stack may still hold: no deploy has confirmed their release. */
  held: claimList.optional(),
  /** Claims (of `claims` or `held`) whose resource is retained when deleted: they outlive the stack. */
  retains: claimList.optional(),
  /** A deploy by cityplan has deployed this stack at least once. */
  deployed: z.literal(true).optional(),
  /** A deploy by cityplan started deploying this stack, unconfirmed: it may exist in AWS. */
  attempted: z.literal(true).optional(),
  /**
   * The stack is leaving the estate: `pending` until a deploy removes its resources, `unprotected`
   * once a deploy has lifted deletion protection (protected load balancers), `drained` once its
   * resources are gone and only the empty stack is left to delete.
   */
  removal: z.enum(['pending', 'unprotected', 'drained']).optional(),
});

const retainedEntry = z.strictObject({
  claim: z.string(),
  stack: z.string(),
  service: z.string().optional(),
  incarnation: z.int().min(1).optional(),
  /** The day the deploy that deleted its stack left it behind. */
  since: z.iso.date(),
});

const environmentEntry = z.strictObject({
  account: z.string(),
  region: z.string(),
  /** Name servers of the hosted zone the foundation created, once a deploy has read them. */
  nameServers: z.array(z.string()).optional(),
  services: z.record(z.string(), serviceEntry),
  stacks: z.record(z.string(), stackEntry),
  retained: z.array(retainedEntry).optional(),
});

const lockSchema = z.strictObject({
  version: z.literal(2),
  estate: z.string(),
  environments: z.record(z.string(), environmentEntry),
});

const lockV1 = z.strictObject({
  version: z.literal(1),
  environments: z.record(z.string(), z.strictObject({ services: z.record(z.string(), placement) })),
});

export type Placement = z.infer<typeof placement>;
export type Position = z.infer<typeof position>;
export type ServiceEntry = z.infer<typeof serviceEntry>;
export type StackEntry = z.infer<typeof stackEntry>;
export type RetainedEntry = z.infer<typeof retainedEntry>;
export type EnvironmentLock = z.infer<typeof environmentEntry>;
export type Lock = z.infer<typeof lockSchema>;

/** Where a lock came from: the file as it is, a version 1 file migrated, or no file at all. */
export type LockOrigin = 'current' | 'migrated' | 'none';

export const emptyLock = (estate = ''): Lock => ({ version: 2, estate, environments: {} });

export const emptyEnvironment = (account: string, region: string): EnvironmentLock => ({ account, region, services: {}, stacks: {} });

/** Reads the lock of an estate folder (an empty lock when there is none); version 1 is migrated. */
export function readLock(dir: string): { lock: Lock; origin: LockOrigin } {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) return { lock: emptyLock(), origin: 'none' };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new EstateError([{ file: LOCK_FILE, message: `is not valid JSON (${(e as Error).message}); restore it from version control` }]);
  }
  if ((data as { version?: unknown })?.version === 1) {
    return { lock: migrateV1(parse(lockV1, data)), origin: 'migrated' };
  }
  return { lock: parse(lockSchema, data), origin: 'current' };
}

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new EstateError(
    parsed.error.issues.map((i) => ({ file: LOCK_FILE, field: i.path.join('.'), message: `${i.message}; restore it from version control` })),
  );
}

/**
 * A version 1 lock knew the shard and priority of each web service and nothing of accounts, claims
 * or the estate's name; adoptMigrated fills those in from the manifests as they are now.
 */
export function migrateV1(v1: z.infer<typeof lockV1>): Lock {
  const environments: Record<string, EnvironmentLock> = {};
  for (const [env, { services }] of Object.entries(v1.environments)) {
    environments[env] = { account: '', region: '', services: {}, stacks: {} };
    for (const [name, p] of Object.entries(services)) {
      environments[env].services[name] = { kind: 'web', shard: p.shard, priority: p.priority };
    }
  }
  return { version: 2, estate: '', environments };
}

/** Stable text: keys in name order and claim lists sorted, so diffs show only what changed. */
export function serializeLock(lock: Lock): string {
  const environments = Object.fromEntries(
    Object.keys(lock.environments)
      .sort()
      .map((name) => {
        const env = lock.environments[name]!;
        return [
          name,
          {
            account: env.account,
            region: env.region,
            ...(env.nameServers ? { nameServers: env.nameServers } : {}),
            services: sortedRecord(env.services, (s) => s),
            stacks: sortedRecord(env.stacks, (s) => ({
              ...s,
              claims: [...s.claims].sort(),
              ...(s.held?.length ? { held: [...s.held].sort() } : { held: undefined }),
              ...(s.retains?.length ? { retains: [...s.retains].sort() } : { retains: undefined }),
            })),
            ...(env.retained?.length ? { retained: env.retained } : {}),
          },
        ];
      }),
  );
  return `${JSON.stringify({ version: lock.version, estate: lock.estate, environments }, null, 2)}\n`;
}

function sortedRecord<T, U>(record: Readonly<Record<string, T>>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(
    Object.keys(record)
      .sort()
      .map((k) => [k, map(record[k]!)]),
  );
}

/**
 * Completes a lock migrated from version 1 with what only the manifests know: the estate's name,
 * each environment's account and region, and every stack version 1 could have deployed (its
 * foundation, its shards, its web services), with no claims yet and marked as possibly deployed,
 * so that none is taken for new and a service missing from the manifests is removed by a deploy.
 */
export function adoptMigrated(
  lock: Lock,
  estate: string,
  environments: ReadonlyArray<{ readonly name: string; readonly account: string; readonly region: string }>,
): Lock {
  const adopted: Lock = { version: 2, estate, environments: {} };
  for (const [name, env] of Object.entries(lock.environments)) {
    const spec = environments.find((e) => e.name === name);
    // Version 1 may have deployed them: they are not new to AWS.
    const stacks: Record<string, StackEntry> = { [stackName.foundation(estate, name)]: { role: 'foundation', claims: [], attempted: true } };
    for (const [service, s] of Object.entries(env.services)) {
      stacks[stackName.ingress(estate, name, s.shard!)] = { role: 'ingress', shard: s.shard!, claims: [], attempted: true };
      stacks[stackName.service(estate, name, service)] = { role: 'service', service, shard: s.shard!, claims: [], attempted: true };
    }
    adopted.environments[name] = { ...env, account: spec?.account ?? '', region: spec?.region ?? '', stacks };
  }
  return adopted;
}
