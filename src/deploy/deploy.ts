/**
 * `cityplan deploy`: plan, then bring AWS to the plan with @aws-cdk/toolkit-lib, in three steps:
 *
 *  1. for an environment whose foundation creates its hosted zone and whose certificate was never
 *     deployed: deploy the foundation alone, read the zone's name servers, and wait until the
 *     parent zone delegates to them (ACM validates the certificate through that DNS);
 *  2. deploy the stacks of the plan step by step (order.ts): foundations and the delivery account's
 *     shared stack, certificates, load balancer shards, then services in parallel (up to
 *     --concurrency), then the service pipelines (last: a new pipeline's first run deploys its
 *     service's stack, which must not race this deploy), each after the stacks it depends on in the assembly (including the
 *     orderings the transition check added); stacks leaving the estate are deployed as removals,
 *     which deletes their resources (retained ones stay). An environment with `approval: true` is
 *     deployed only when named with --env (approval.ts);
 *  3. delete the stacks emptied by step 2.
 *
 * After the steps, or as soon as one fails, the lock records what AWS confirmed (deployment.ts).
 */
import { type IIoHost, StackParameters, StackSelectionStrategy, Toolkit } from '@aws-cdk/toolkit-lib';
import { describeRemoval } from '../estate/changes';
import { removeIfPresent } from '../files/remove';
import { recordDeployment } from '../estate/deployment';
import { mayBeDeployed, readLock, stageLock, writeLock } from '../estate/lock';
import { DELIVERY, stackName } from '../naming/names';
import { checkSelection, type PlanResult, planEstate } from '../estate/plan';
import { type PreparedEstate, prepareEstate } from '../estate/prepare';
import { planStacks, type StackSelection } from '../estate/stack-plan';
import { type Caller, whoAmI } from './caller';
import { type CredentialTrouble, describeCredentialTrouble, explainCredentialFailure } from './credentials';
import { type ResolveNs, waitForDelegation } from './delegation';
import { DeployRecorder } from './io-host';
import { describeHeld, selectEnvironments } from './approval';
import { imageParameters } from './image-parameters';
import type { LastImageReader } from './last-image';
import { assemblyDependencies, deploySteps } from './steps';

export interface DeployOptions extends StackSelection {
  /** Cloud assembly directory; default cdk.out. */
  readonly out?: string;
  /** Let removals happen in protected environments. @default false */
  readonly allowRemoval?: boolean;
  /** How long to wait for a new zone's delegation, in minutes (0: look once). @default 30 */
  readonly delegationWait?: number;
  /** How many service stacks deploy at once. @default 4 */
  readonly concurrency?: number;
}

/** What deploy needs from outside, replaceable in tests. */
export interface DeployDependencies {
  readonly toolkit?: (ioHost: IIoHost) => Pick<Toolkit, 'fromAssemblyDirectory' | 'deploy' | 'destroy'>;
  readonly resolveNs?: ResolveNs;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Progress for the person deploying. */
  readonly say: (text: string) => void;
  /** Shown the plan before anything is deployed. */
  readonly planned?: (plan: PlanResult) => void;
  /** Reads the last image a pipeline recorded; default: SSM of the delivery account (last-image.ts). */
  readonly lastImage?: LastImageReader;
  /** Who this shell's credentials are (STS); default: whoAmI, through the SDK's credential chain. */
  readonly caller?: (region: string) => Promise<Caller>;
}

export interface DeployResult {
  /** The plan deployed; none when deploy refused before planning. */
  readonly plan?: PlanResult;
  /** Why the deploy stopped, when it did not finish. */
  readonly stopped?: string;
  readonly deployed: number;
  readonly removed: number;
}

export async function deployEstate(dir: string, options: DeployOptions, deps: DeployDependencies): Promise<DeployResult> {
  // Refused before anything is planned, so that a refusal writes nothing: neither lock nor assembly.
  const prepared = prepareEstate(dir, options);
  // A mistyped --env or --service is the user's to fix first, before any question of credentials.
  checkSelection(prepared.spec, prepared.previous, options);
  const refusal = preflight(prepared, options);
  if (refusal) return { stopped: `${refusal}\nnothing was planned or deployed`, deployed: 0, removed: 0 };
  // The lock must be able to take what AWS confirms: find out before AWS is touched (FileError).
  removeIfPresent(stageLock(dir, ''));
  // Credentials through the same chain the toolkit uses, asked before anything is planned or
  // written: none, rejected or expired ones are one line, with no assembly, lock or progress.
  const caller = await (deps.caller ?? whoAmI)(prepared.spec.region);
  if ('trouble' in caller) return { stopped: describeCredentialTrouble(caller.trouble, 'cityplan deploy'), deployed: 0, removed: 0 };
  const plan = await planEstate(dir, options, prepared);
  deps.planned?.(plan);

  const unknown = new Set(plan.newStacks);
  const recorder = new DeployRecorder(unknown);
  const toolkit = (deps.toolkit ?? ((ioHost) => new Toolkit({ ioHost })))(recorder);
  const assembly = await toolkit.fromAssemblyDirectory(plan.assembly);
  const deployStacks = (names: readonly string[], parameters = StackParameters.onlyExisting()) =>
    toolkit.deploy(assembly, {
      stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: [...names] },
      // Keep every parameter's deployed value, ImageTag above all: the pipeline owns it.
      parameters,
    });
  const selected = selectEnvironments(prepared.spec.environments, options.environment);
  const inRun = new Set<string>([...selected.deploy, ...(options.environment ? [] : [DELIVERY])]);
  const removals = plan.changes.removed.filter((r) => r.step === 'remove').map((r) => r.stack);
  const nameServers: Record<string, string[]> = {};
  let stopped: string | undefined;
  try {
    for (const env of zonesToDelegate(plan, dir).filter((e) => inRun.has(e.name))) {
      const foundation = stackName.foundation(plan.estate, env.name);
      deps.say(`${env.name}: deploying ${foundation} first, to create the hosted zone ${env.domain}`);
      await deployStacks([foundation]);
      const servers = (recorder.deployed.get(foundation)?.NameServers ?? '').split(',').filter(Boolean);
      nameServers[env.name] = servers;
      const wait = options.delegationWait ?? 30;
      deps.say(
        `${env.name}: delegate ${env.domain} to its zone: in the parent zone, add NS records for ${env.domain} with\n${servers.map((s) => `    ${s}`).join('\n')}\n  waiting up to ${wait} minutes for the delegation to resolve`,
      );
      if (!(await waitForDelegation(env.domain, servers, { minutes: wait, resolve: deps.resolveNs, sleep: deps.sleep }))) {
        stopped = `${env.domain} is not delegated to its zone yet, so its certificate cannot be validated; the foundation is deployed. Add the NS records above, then run cityplan deploy again: it carries on from here`;
        break;
      }
      deps.say(`${env.name}: ${env.domain} is delegated`);
    }
    if (!stopped) {
      const planned = new Set(plan.stacks.map((s) => s.name));
      // A foundation deployed above for its zone's delegation is not deployed again.
      const plans = planStacks(prepared.spec, prepared.allocation, options, prepared.previous).filter(
        (p) => planned.has(p.name) && inRun.has(p.environment) && !recorder.deployed.has(p.name),
      );
      stopped = await deploySteps(plans, {
        dependencies: assemblyDependencies(plan.assembly),
        concurrency: options.concurrency ?? 4,
        say: deps.say,
        deploy: async (p) => {
          const image = await imageParameters(p, prepared, unknown, deps);
          // A stack whose pipeline recorded a successful deploy exists in AWS by cityplan's hand.
          if (image.recorded) unknown.delete(p.name);
          await deployStacks([p.name], image.parameters);
        },
        explain: (e) => (recorder.refused.length > 0 ? lostLock(recorder.refused) : failed(e, recorder.credentials)),
      });
      if (selected.held) deps.say(describeHeld(dir, selected.held));
    }
    if (!stopped) {
      const emptied = removals.filter((r) => recorder.deployed.has(r));
      if (emptied.length > 0) {
        await toolkit.destroy(assembly, { stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: emptied } });
      }
    }
  } catch (e) {
    stopped = recorder.refused.length > 0 ? lostLock(recorder.refused) : failed(e as Error, recorder.credentials);
  } finally {
    record(dir, recorder, new Set(removals), nameServers);
  }
  return { plan, stopped, deployed: recorder.deployed.size, removed: recorder.destroyed.size };
}

/** The lock, with what AWS confirmed; written whatever happened, so nothing confirmed is forgotten. */
function record(dir: string, recorder: DeployRecorder, removals: ReadonlySet<string>, nameServers: Record<string, string[]>): void {
  const { lock } = readLock(dir);
  writeLock(dir, recordDeployment(lock, {
    deployed: [...recorder.deployed.keys()],
    destroyed: [...recorder.destroyed],
    attempted: [...recorder.attempted],
    removals,
    nameServers: Object.fromEntries(Object.entries(nameServers).filter(([, ns]) => ns.length > 0)),
  }));
}

/** Environments of this plan whose foundation creates the zone and whose certificate no deploy has confirmed. */
function zonesToDelegate(plan: PlanResult, dir: string): PlanResult['environments'] {
  const { lock } = readLock(dir);
  const planned = new Set(plan.stacks.map((s) => s.name));
  return plan.environments.filter((env) => {
    const certificate = stackName.certificate(plan.estate, env.name);
    return env.createsZone && planned.has(certificate) && !lock.environments[env.name]?.stacks[certificate]?.deployed;
  });
}

/**
 * Why this deploy must not start, found from the manifests and the lock alone (no synthesis,
 * nothing written): removals in a protected environment without --allow-removal, or one service
 * deployed into an environment whose shared stacks no deploy has created yet.
 */
function preflight({ spec, previous, allocation }: PreparedEstate, options: DeployOptions): string | undefined {
  const planned = planStacks(spec, allocation, options, previous);
  // An environment held back for its approval is not deployed by this run: its removals wait too.
  const held = new Set(spec.environments.map((e) => e.name).filter((e) => !selectEnvironments(spec.environments, options.environment).deploy.includes(e)));
  const protect = new Set(spec.environments.filter((e) => e.protect && !held.has(e.name)).map((e) => e.name));
  const removals = planned
    .filter((p) => (p.role === 'removal' || p.retiring) && protect.has(p.environment))
    .map((p) => {
      const entry = previous.environments[p.environment]!.stacks[p.name]!;
      const { deletes, keeps } = describeRemoval(
        p.name,
        entry,
        entry.service ? previous.environments[p.environment]!.services[entry.service]?.kind : undefined,
        entry.service ? previous.environments[p.environment]!.services[entry.service]?.database : undefined,
        true,
      );
      return `  ${p.name} (${p.environment}): ${p.retiring ? 'lifts deletion protection of' : 'deletes'} ${deletes.join(', ')}${keeps.length ? `; keeps ${keeps.join(', ')}` : ''}`;
    });
  if (removals.length > 0 && !options.allowRemoval) {
    return `this deploy would remove from a protected environment:\n${removals.join('\n')}\nrun again with --allow-removal to go ahead`;
  }
  if (!options.service) return undefined;
  const missing = planned
    .filter((p) => p.role === 'service' || p.role === 'pipeline')
    // A pipeline reads the delivery key its shared stack publishes (its one dependency).
    .flatMap((p) => (p.role === 'pipeline' ? p.dependsOn : [stackName.foundation(spec.name, p.environment), stackName.certificate(spec.name, p.environment), ...p.dependsOn]))
    .filter((name, i, all) => all.indexOf(name) === i)
    .filter((name) => {
      return !mayBeDeployed(Object.values(previous.environments).find((e) => e.stacks[name])?.stacks[name]);
    });
  return missing.length > 0
    ? `${options.service} needs ${missing.join(', ')}, which no deploy has created yet: deploy the environment without --service first`
    : undefined;
}

function failed(error: Error, credentials: CredentialTrouble | undefined): string {
  const explained = explainCredentialFailure(error, credentials);
  if (explained) return `deploy failed: ${explained}`;
  const hint = /credentials|security token/i.test(error.message)
    ? '\ncheck the credentials of this shell for the target accounts (for example AWS_PROFILE, or aws sso login), and that their CDK bootstrap trusts them'
    : '';
  return `deploy failed: ${error.message}${hint}`;
}

function lostLock(stacks: readonly string[]): string {
  return `${stacks.join(', ')} already exist in AWS, but the lock has no record of deploying them: was cityplan.lock.json deleted or replaced? Restore it from version control (git log -- cityplan.lock.json) and plan again. Nothing was changed in ${stacks.length === 1 ? 'that stack' : 'those stacks'}`;
}
