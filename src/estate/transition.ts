/**
 * The step from what may be deployed (the previous lock) to what this plan deploys, checked the
 * way CloudFormation applies it.
 *
 * Every stack is a holder of claims (claims.ts) before and after the deploy:
 *  - a stack this plan deploys holds, while it deploys, everything it held before (its claims and
 *    the claims earlier plans gave up that no deploy has confirmed released) and everything it
 *    will hold after: CloudFormation creates new and replacement resources before it deletes old
 *    ones. Once deployed it holds its new claims only;
 *  - a stack being removed holds all it had until it is drained, and afterwards only what its
 *    retained resources keep;
 *  - a stack this plan does not deploy holds what it held, throughout;
 *  - a retained resource left behind by an earlier removal holds its name forever.
 *
 * Within one account and region (an arena: environments may share one):
 *  - no claim may be held by two stacks after the deploy (the new estate itself must be valid);
 *  - a stack taking a claim another stack gives up must deploy after it: the plan adds that
 *    ordering to the cloud assembly, so a whole deploy is safe whatever else it runs;
 *  - when the stack giving it up is not in this deploy, or the two orderings form a cycle, the
 *    plan fails and says which deploys, in which order, make the change safe.
 * A stack leaving the estate must also outlive every stack that still uses what it publishes:
 * a shard is removed only after the services that used its listener have moved or gone.
 */
import type { Problem } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import { createdParameter, describeClaim, qualify, referencedParameters } from './claims';
import { type EnvironmentLock, type Lock, LOCK_FILE, mayBeDeployed, type StackEntry } from './lock';
import { DELIVERY, environmentRoot } from '../naming/names';
import type { StackPlan, StackSelection } from './stack-plan';

/** A stack synthesized by this plan, with its claims. */
export interface PlannedClaims {
  readonly plan: StackPlan;
  readonly claims: readonly string[];
  readonly retains: readonly string[];
}

/** One ordering the plan adds: `stack` deploys after `after`, because of `claim`. */
export interface Ordering {
  readonly environment: string;
  readonly stack: string;
  readonly after: string;
  /** What passes from `after` to `stack` (a claim), or what `stack` stops using (a parameter). */
  readonly reason: string;
}

export interface TransitionResult {
  /** The lock with every environment's stacks as this plan leaves them. */
  readonly lock: Lock;
  readonly orderings: Ordering[];
  readonly problems: Problem[];
}

interface Holder {
  readonly name: string;
  readonly environment: string;
  readonly arena: string;
  /** Deployed (or removed) by this plan. */
  readonly inDeploy: boolean;
  readonly before: ReadonlySet<string>;
  readonly after: ReadonlySet<string>;
  /** Drained by this plan: what it published stops existing. */
  readonly leaving: boolean;
  readonly provides: ReadonlySet<string>;
  readonly service?: string;
  /** A retained resource an earlier removal left behind: the stack it came from, and when. */
  readonly leftover?: { readonly stack: string; readonly since: string };
}

/**
 * @param lock the lock after allocation: services of the new plan, stacks as the previous plan left them
 * @param planned every stack this plan synthesized, with its claims
 * @param wanted the stack names the whole estate has now (whatever this plan selected)
 * @param fileOf the manifest a stack comes from, for problems
 * @param scope what the plan covers: stacks outside it are left in the lock as they are
 */
export function checkTransition(
  spec: EstateSpec,
  lock: Lock,
  planned: readonly PlannedClaims[],
  wanted: ReadonlySet<string>,
  fileOf: (stack: string) => string,
  scope: StackSelection = {},
): TransitionResult {
  const byName = new Map(planned.map((p) => [p.plan.name, p]));
  const environments: Record<string, EnvironmentLock> = {};
  const holders: Holder[] = [];
  for (const [envName, env] of Object.entries(lock.environments)) {
    const arena = `${env.account}/${env.region}`;
    // An environment dropped from estate.yaml, or outside this plan, is left as it is.
    const inScope = (envName === DELIVERY || spec.environments.some((e) => e.name === envName)) && (!scope.environment || scope.environment === envName);
    const root = environmentRoot(lock.estate || spec.name, envName);
    const stacks: Record<string, StackEntry> = {};
    const names = new Set([...Object.keys(env.stacks), ...planned.filter((p) => p.plan.environment === envName).map((p) => p.plan.name)]);
    // Claims name parameters relative to their environment; environments sharing an account compare them in full.
    const full = (claims: readonly string[]) => claims.map((c) => qualify(c, root));
    for (const name of names) {
      const prev = env.stacks[name];
      const now = byName.get(name);
      // The lock keeps claims as the template names them; the comparison below uses them in full.
      const previous = prev && prev.removal !== 'drained' ? [...prev.claims, ...(prev.held ?? [])] : [];
      const held = full(previous);
      const base = { name, environment: envName, arena, service: now?.plan.service ?? prev?.service };
      if (!now) {
        // Not deployed by this plan: it holds what it held until a deploy of its own; if the
        // estate has let it go, it waits for a plan that removes it.
        const kept = wanted.has(name) || !inScope || (!!scope.service && prev!.service !== scope.service);
        // One the estate let go before any deploy made it: nothing in AWS to remove or wait for.
        if (!kept && !mayBeDeployed(prev)) continue;
        stacks[name] = kept || prev!.removal ? prev! : { ...prev!, removal: 'pending' };
        const owns = kept && prev!.removal !== 'drained' ? full(prev!.claims) : [];
        holders.push({ ...base, inDeploy: false, before: new Set(held), after: new Set(owns), leaving: false, provides: new Set() });
        continue;
      }
      if (now.plan.role === 'removal') {
        const retains = new Set(full(prev?.retains ?? []));
        const retained = new Set(held.filter((c) => retains.has(c)));
        stacks[name] = { ...prev!, removal: prev?.removal === 'drained' ? 'drained' : (prev?.removal ?? 'pending') };
        const provides = new Set(held.map(createdParameter).filter((p): p is string => p !== undefined));
        holders.push({ ...base, inDeploy: true, before: new Set(held), after: retained, leaving: true, provides });
        continue;
      }
      const stillHeld = [...new Set(previous.filter((c) => !now.claims.includes(c)))];
      const retains = new Set([...now.retains, ...stillHeld.filter((c) => prev?.retains?.includes(c))]);
      const after = new Set(full(now.claims));
      stacks[name] = {
        role: now.plan.role as StackEntry['role'],
        ...(now.plan.service ? { service: now.plan.service } : {}),
        ...(now.plan.shard !== undefined ? { shard: now.plan.shard } : {}),
        claims: [...now.claims],
        ...(stillHeld.length ? { held: stillHeld } : {}),
        ...(retains.size ? { retains: [...retains] } : {}),
        ...(prev?.deployed ? { deployed: true as const } : {}),
        ...(prev?.attempted ? { attempted: true as const } : {}),
        ...(now.plan.retiring ? { removal: prev?.removal ?? 'pending' } : {}),
      };
      holders.push({ ...base, inDeploy: true, before: new Set(held), after, leaving: false, provides: new Set() });
    }
    for (const r of env.retained ?? []) {
      const claim = new Set(full([r.claim]));
      holders.push({ name: r.claim, environment: envName, arena, inDeploy: false, before: claim, after: claim, leaving: false, provides: new Set(), leftover: r });
    }
    environments[envName] = { ...env, stacks };
  }

  const problems: Problem[] = [];
  const orderings: Ordering[] = [];
  const problem = (stack: string, claim: string | undefined, message: string) =>
    problems.push({ file: fileOf(stack), ...(claim?.startsWith('AWS::Route53::RecordSet') ? { field: 'hostnames' } : {}), message });

  for (const arena of new Set(holders.map((h) => h.arena))) {
    const here = holders.filter((h) => h.arena === arena);
    // Stack names are unique in an account and region, as any claim is.
    const envOf = new Map<string, string>();
    for (const h of here.filter((x) => !x.leftover)) {
      const other = envOf.get(h.name);
      if (other !== undefined && other !== h.environment) {
        problem(
          h.name,
          undefined,
          `stack ${h.name} would belong to both environment ${other} and environment ${h.environment} (account ${arena.replace('/', ', region ')}); rename a service or an environment (or, if the lock was edited by hand, restore it)`,
        );
      }
      envOf.set(h.name, h.environment);
    }
    const byClaim = new Map<string, Holder[]>();
    for (const h of here) for (const c of new Set([...h.before, ...h.after])) byClaim.set(c, [...(byClaim.get(c) ?? []), h]);
    for (const [claim, list] of byClaim) {
      const owners = list.filter((h) => h.after.has(claim));
      if (owners.length > 1) {
        const [first, ...rest] = owners.sort((a, b) => Number(b.inDeploy) - Number(a.inDeploy) || a.name.localeCompare(b.name));
        for (const other of rest) {
          if (other.leftover) {
            problem(
              first!.name,
              claim,
              `${describeClaim(claim)} already exists: it was retained when ${other.leftover.stack} was removed (${other.leftover.since}); choose another name, or delete it in AWS${deleteHint(claim)} and then, in ${LOCK_FILE}, remove the one entry whose "claim" is "${claim}" from environments.${other.environment}.retained and commit that (the one hand edit the lock takes: it records that the name is free again)`,
            );
          } else if (first!.inDeploy && !other.inDeploy) {
            // The other stack's claims are as its last plan left them: that plan may be out of date.
            problem(first!.name, claim, notInDeploy(claim, other, spec));
          } else {
            problem(first!.name, claim, `${describeClaim(claim)} would belong to both ${first!.name} and ${other.name}; AWS allows one`);
          }
        }
        continue;
      }
      const taker = owners[0];
      if (!taker?.inDeploy) continue;
      for (const giver of list) {
        if (giver === taker || !giver.before.has(claim)) continue;
        if (giver.inDeploy) {
          orderings.push({ environment: taker.environment, stack: taker.name, after: giver.name, reason: claim });
        } else {
          problem(taker.name, claim, notInDeploy(claim, giver, spec));
        }
      }
    }
    // A stack leaving takes what it publishes with it: whoever used it must have stopped first.
    for (const leaving of here.filter((h) => h.leaving && h.provides.size > 0)) {
      const uses = (claims: ReadonlySet<string>) => [...claims].flatMap(referencedParameters).find((p) => leaving.provides.has(p));
      for (const user of here) {
        if (user === leaving) continue;
        const still = uses(user.after);
        const used = uses(user.before);
        if (still) problem(user.name, undefined, `still uses ${still}, which ${leaving.name} publishes and this plan removes`);
        else if (used && user.inDeploy) orderings.push({ environment: leaving.environment, stack: leaving.name, after: user.name, reason: `{${used}}` });
        else if (used) problem(leaving.name, undefined, `is removed while ${user.name} may still use ${used}; deploy ${user.environment} as a whole`);
      }
    }
    // What a service's stack publishes for other services (a callee's security group) must exist
    // when a stack that reads it deploys: published by a stack of this plan (ordered first by
    // stack-plan.ts) or by one whose last plan published it. A web service publishes its group only
    // once called, so a first caller planned alone (--service) would read a parameter not there yet.
    const provided = new Set(here.flatMap((h) => [...h.after].map(createdParameter).filter((p): p is string => p !== undefined)));
    for (const reader of here.filter((h) => h.inDeploy && !h.leaving)) {
      for (const used of new Set([...reader.after].flatMap(referencedParameters))) {
        const publisher = /\/service\/([^/]+)\/[^/]+$/.exec(used)?.[1];
        if (publisher && !provided.has(used)) {
          problem(
            reader.name,
            undefined,
            `reads ${used}, which service ${publisher}'s stack does not publish yet: plan and deploy ${reader.environment} as a whole, or first service ${publisher}, then this`,
          );
        }
      }
    }
  }
  problems.push(...cycles(orderings, fileOf));
  return { lock: { ...lock, environments }, orderings: dedupe(orderings), problems };
}

function notInDeploy(claim: string, holder: Holder, spec: EstateSpec): string {
  if (holder.environment !== DELIVERY && !spec.environments.some((e) => e.name === holder.environment)) {
    return `${describeClaim(claim)} is held by ${holder.name} of environment ${holder.environment}, which estate.yaml no longer has: put the environment back, or delete that stack in CloudFormation and its entry from the lock`;
  }
  const first = holder.service ? `cityplan deploy ${spec.dir} --env ${holder.environment} --service ${holder.service}` : `deploy ${holder.name}`;
  return `${describeClaim(claim)} is, or may still be, held by ${holder.name} (no deploy has confirmed otherwise), and this plan does not deploy it: plan and deploy ${holder.environment} as a whole, or first ${first}, then this`;
}

function dedupe(orderings: readonly Ordering[]): Ordering[] {
  const seen = new Set<string>();
  return orderings.filter((o) => {
    const key = `${o.stack} ${o.after}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Orderings that go round in a circle (two services swapping hostnames): no deploy order works,
 * so the change must be made in two plans, each deployed before the next.
 */
function cycles(orderings: readonly Ordering[], fileOf: (stack: string) => string): Problem[] {
  const next = new Map<string, Ordering[]>();
  for (const o of orderings) next.set(o.stack, [...(next.get(o.stack) ?? []), o]);
  const problems: Problem[] = [];
  const done = new Set<string>();
  const onPath: Ordering[] = [];
  const visiting = new Set<string>();
  const visit = (stack: string): void => {
    if (done.has(stack)) return;
    visiting.add(stack);
    for (const o of next.get(stack) ?? []) {
      if (visiting.has(o.after)) {
        const loop = [...onPath.slice(onPath.findIndex((p) => p.stack === o.after)), o];
        const steps = loop.map((p) => `${p.stack} takes ${describeClaim(p.reason)} from ${p.after}`).join('; ');
        problems.push({
          file: fileOf(stack),
          ...(loop.some((p) => p.reason.startsWith('AWS::Route53::RecordSet')) ? { field: 'hostnames' } : {}),
          message: `these changes cannot be deployed in any order (${steps}); make them in two plans: first free one of them (leave it out of both), plan and deploy, then give it to its new owner`,
        });
        continue;
      }
      onPath.push(o);
      visit(o.after);
      onPath.pop();
    }
    visiting.delete(stack);
    done.add(stack);
  };
  for (const stack of next.keys()) visit(stack);
  return problems;
}

/** How to delete a retained resource whose claim is this, when there is one command for it. */
function deleteHint(claim: string): string {
  const ecr = /^AWS::ECR::Repository (.+)$/.exec(claim);
  return ecr ? ` (aws ecr delete-repository --repository-name ${ecr[1]} --force, with credentials of the delivery account; its images go with it)` : '';
}
