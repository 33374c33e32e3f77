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
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { explainFileErrors } from '../files/file-error';
import { EstateError } from '../manifest/problems';
import { parseRuleClaim } from './claims';
import { SERVICE_KINDS } from '../manifest/schema';
import { DELIVERY, stackName } from '../naming/names';
import { emptyEnvironment, emptyLock, mayBeDeployed, prioritiesOf, stacksByService } from './lock-entries';

export const LOCK_FILE = 'cityplan.lock.json';

const claimList = z.array(z.string());

const rulePriority = () => z.int().min(1).max(50000);
/**
 * Every rule priority of a service with several listener rules (more than 5 host names), its
 * first equal to `priority`. Absent for a service with one rule: locks written before services had
 * several rules read unchanged.
 */
const rulePriorities = () => z.array(rulePriority()).min(2).optional();
/** A deploy strategy other than rolling (the default, not written). */
const strategy = () => z.enum(['canary', 'linear', 'blue-green']).optional();

const placement = z.strictObject({
  shard: z.int().min(0),
  priority: rulePriority(),
  priorities: rulePriorities(),
});

const position = z.strictObject({
  shard: z.int().min(0).optional(),
  priority: rulePriority().optional(),
  priorities: rulePriorities(),
  hostnames: z.array(z.string()).optional(),
  strategy: strategy(),
});

const serviceEntry = z.strictObject({
  kind: z.enum(SERVICE_KINDS),
  /** Web services: load balancer shard and listener-rule priority (of its first rule). */
  shard: z.int().min(0).optional(),
  priority: rulePriority().optional(),
  /** Web services with several listener rules: the priority of each, in rule order. */
  priorities: rulePriorities(),
  /** Web services: every name the service answers to, its own first. */
  hostnames: z.array(z.string()).optional(),
  /** Web services deployed by ECS shifting traffic between two target groups: how. */
  strategy: strategy(),
  /**
   * Services with a `postgres` database: an RDS instance (`size`) or an Aurora cluster
   * (`serverless`), and what a deploy that drops it does to it (retained under `protect`).
   */
  database: z.strictObject({ engine: z.enum(['rds', 'aurora']), dropped: z.enum(['retained', 'deleted']) }).optional(),
  /** Which life of the service this is, when an earlier one left retained resources behind (2, 3, …). */
  incarnation: z.int().min(2).optional(),
  /** The day a plan first found the service gone; it stays until a deploy has deleted its stack. */
  removed: z.iso.date().optional(),
  /** Where the service was when last deployed, while a planned move (shard, priorities, hostnames, strategy) is not. */
  lastDeployed: position.optional(),
});

const stackEntry = z.strictObject({
  role: z.enum(['foundation', 'certificate', 'ingress', 'service', 'delivery', 'pipeline']),
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
  /** The environment's domain when last planned: a change of it is flagged. */
  domain: z.string().optional(),
  /** Name servers of the hosted zone the foundation created, once a deploy has read them. */
  nameServers: z.array(z.string()).optional(),
  services: z.record(z.string(), serviceEntry),
  stacks: z.record(z.string(), stackEntry),
  retained: z.array(retainedEntry).optional(),
});

const lockSchema = z.strictObject({
  version: z.literal(2),
  estate: z.string(),
  /**
   * The commit of a lock this one was started without: the lock went missing from a git
   * repository that had one. Kept, and warned of, until a deploy succeeds with this lock.
   */
  replaces: z.string().optional(),
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

export { emptyEnvironment, emptyLock, mayBeDeployed, prioritiesOf, stacksByService } from './lock-entries';


/** Reads the lock of an estate folder (an empty lock when there is none); version 1 is migrated. */
export function readLock(dir: string): { lock: Lock; origin: LockOrigin } {
  const path = join(dir, LOCK_FILE);
  if (!existsSync(path)) return { lock: emptyLock(), origin: 'none' };
  const damaged = (message: string, field?: string) => new EstateError([{ file: LOCK_FILE, ...(field ? { field } : {}), message }]);
  if (statSync(path).isDirectory()) throw damaged('is a folder; cityplan writes the lock as a file there. Move the folder away');
  // Editors on some systems add a byte-order mark; JSON itself has none.
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const conflict = text.split('\n').findIndex((l) => /^(<{7}|>{7}|={7})( |$)/.test(l));
  if (conflict >= 0) {
    throw new EstateError([
      {
        file: LOCK_FILE,
        line: conflict + 1,
        message:
          "has unresolved merge conflict markers: take one side whole (git checkout --ours or --theirs cityplan.lock.json; the side whose stacks were deployed, if either was) and plan again: the plan places again what the other side added",
      },
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw damaged(`is not valid JSON (${(e as Error).message}); restore it from version control`);
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > 2) {
    throw damaged(`was written by a newer cityplan (lock version ${version}; this one reads 1 and 2): plan with that cityplan or a newer one`, 'version');
  }
  if (version === 1) {
    const v2 = data as { estate?: unknown; environments?: Record<string, { stacks?: unknown }> };
    if (v2.estate !== undefined || Object.values(v2.environments ?? {}).some((e) => e?.stacks !== undefined)) {
      throw damaged('is 1, but the lock holds what only version 2 writes (estate, stacks): it was edited by hand; restore it from version control', 'version');
    }
    return { lock: migrateV1(parse(lockV1, data)), origin: 'migrated' };
  }
  if (version !== 2) throw damaged('must be 2 (or 1, from cityplan 0.1); restore the lock from version control', 'version');
  const lock = parse(lockSchema, data);
  const problems = inconsistencies(lock);
  if (problems.length > 0) throw new EstateError(problems.map((p) => ({ file: LOCK_FILE, ...p, message: `${p.message}; restore it from version control` })));
  return { lock, origin: 'current' };
}

function parse<T>(schema: z.ZodType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new EstateError(
    parsed.error.issues.map((i) => ({ file: LOCK_FILE, field: i.path.join('.'), message: `${plainly(i)}; restore it from version control` })),
  );
}

/** A schema issue in a reader's words rather than the library's. */
function plainly(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('received undefined') ? 'is missing' : `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'unrecognized_keys':
      return `has fields cityplan does not write: ${issue.keys.join(', ')}`;
    case 'too_small':
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      return `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
      return `is not a ${issue.format === 'date' ? 'date (YYYY-MM-DD)' : issue.format}`;
    default:
      return issue.message;
  }
}

const CLAIM = /^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+ \S/;

/**
 * What a lock written by cityplan never holds, where it matters: two services at one priority of a
 * shard, a stack whose service is not listed, a service placed elsewhere than its stack's rule, a
 * claim that is not a claim. Found in a lock edited by hand (or merged badly). Between stacks no
 * deploy has touched, a clash is left for the next plan to place again (two branches that each
 * added a service merge into one).
 */
function inconsistencies(lock: Lock): Array<{ field: string; message: string }> {
  const found: Array<{ field: string; message: string }> = [];
  for (const [envName, env] of Object.entries(lock.environments)) {
    const at = (...path: string[]) => ['environments', envName, ...path].join('.');
    const touched = new Set<string>();
    // One message per mistake: a service contradicting its stack is not also reported as sharing a priority.
    const contradicted = new Set<string>();
    for (const [stack, entry] of Object.entries(env.stacks)) {
      for (const claim of [...entry.claims, ...(entry.held ?? []), ...(entry.retains ?? [])]) {
        if (!CLAIM.test(claim)) found.push({ field: at('stacks', stack), message: `holds '${claim}', which is not a claim cityplan writes` });
      }
      if (!entry.service) continue;
      const service = env.services[entry.service];
      // The delivery account's stacks (under DELIVERY) build a service's pipeline, not its place.
      if (!service && envName === DELIVERY) continue;
      if (!service) {
        found.push({ field: at('stacks', stack, 'service'), message: `is ${entry.service}, which the lock's services do not list` });
        continue;
      }
      // A stack on its way out keeps what it holds, whatever its service has become; one never
      // deployed is planned again.
      if (entry.removal || !mayBeDeployed(entry)) continue;
      touched.add(entry.service);
      const rules = entry.claims.map(parseRuleClaim).filter((r) => r !== undefined);
      if (rules.length === 0) continue;
      const held = rules.map((r) => r.priority).sort((a, b) => a - b);
      const listed = prioritiesOf(service).sort((a, b) => a - b);
      if (rules.some((r) => r.shard !== service.shard) || held.join(',') !== listed.join(',')) {
        contradicted.add(entry.service);
        found.push({
          field: at('services', entry.service),
          message: `says shard ${service.shard}, ${listed.length > 1 ? 'priorities' : 'priority'} ${listed.join(', ')}, but its stack ${stack} holds ${held.length > 1 ? 'priorities' : 'priority'} ${held.join(', ')} on shard ${rules[0]!.shard}`,
        });
      }
    }
    const byPlace = new Map<string, string>();
    for (const [name, s] of Object.entries(env.services)) {
      if (s.priorities && s.priorities[0] !== s.priority) {
        found.push({ field: at('services', name, 'priorities'), message: `must start with the service's priority ${s.priority}` });
        continue;
      }
      if (s.shard === undefined || s.priority === undefined || contradicted.has(name) || !touched.has(name)) continue;
      for (const p of prioritiesOf(s)) {
        const other = byPlace.get(`${s.shard}/${p}`);
        if (other) found.push({ field: at('services', name), message: `has rule priority ${p} on shard ${s.shard}, as ${other} has` });
        byPlace.set(`${s.shard}/${p}`, name);
      }
    }
  }
  return found;
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


/**
 * The file a new lock is written to before it is renamed over the lock, so that a reader never sees
 * half a lock: hidden, and named for the process writing it (see LOCK_TEMP_PATTERN).
 */
export const lockTempPath = (dir: string, pid = process.pid): string => join(dir, `.cityplan-lock-${pid}.tmp`);

/** Lock temp files by name; the group is the id of the process that wrote one. */
export const LOCK_TEMP_PATTERN = /^\.cityplan-lock-(\d+)\.tmp$/;

/** What to do when the lock cannot be written: the estate folder is the user's. */
export const LOCK_REMEDY = 'make the folder writable, or plan a copy of the estate';

/**
 * Writes `text` to the lock's temp file (lockTempPath): the first half of writing a lock.
 * @returns the temp file's path; rename it over the lock to finish, or remove it
 * @throws FileError when the estate folder cannot be written (read-only, full, not a folder…)
 */
export function stageLock(dir: string, text: string): string {
  const tmp = lockTempPath(dir);
  explainFileErrors(join(dir, LOCK_FILE), `write ${LOCK_FILE} in ${dir}`, LOCK_REMEDY, () => writeFileSync(tmp, text));
  return tmp;
}

/**
 * Writes the lock into the estate folder through its temp file, so a reader never sees half a lock.
 * @throws FileError when the estate folder cannot be written
 */
export function writeLock(dir: string, lock: Lock): void {
  const text = serializeLock(lock);
  // Unchanged content is not rewritten: tools watching the file (make, editors, git) see no change.
  if (sameText(join(dir, LOCK_FILE), text)) return;
  const tmp = stageLock(dir, text);
  try {
    explainFileErrors(join(dir, LOCK_FILE), `write ${LOCK_FILE} in ${dir}`, LOCK_REMEDY, () => renameSync(tmp, join(dir, LOCK_FILE)));
  } finally {
    rmSync(tmp, { force: true });
  }
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
            ...(env.domain ? { domain: env.domain } : {}),
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
  return `${JSON.stringify({ version: lock.version, estate: lock.estate, ...(lock.replaces ? { replaces: lock.replaces } : {}), environments }, null, 2)}\n`;
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

/** Whether the file at `path` holds exactly `text` (false when it cannot be read). */
function sameText(path: string, text: string): boolean {
  try {
    return readFileSync(path, 'utf8') === text;
  } catch {
    return false;
  }
}
