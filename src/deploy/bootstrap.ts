/**
 * `cityplan bootstrap`: what each account needs once before cityplan can deploy to it: the CDK
 * bootstrap stack, in every environment's account and region trusting the delivery account (whose
 * pipelines then deploy through the bootstrap's deploy and CloudFormation execution roles, see
 * delivery/bootstrap-roles.ts), and in the delivery account itself.
 */
import { BootstrapEnvironments, BootstrapStackParameters, type Toolkit } from '@aws-cdk/toolkit-lib';
import type { EstateSpec } from '../manifest/spec';

/**
 * The policy CloudFormation runs with in an environment's account. CDK's default: cityplan's stacks
 * create IAM roles, KMS keys and networks, which a narrower policy must all allow; an organisation
 * that keeps one (a permissions boundary) names it here instead.
 */
export const EXECUTION_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

export interface BootstrapTarget {
  readonly account: string;
  readonly region: string;
  /** Accounts trusted to deploy here: the delivery account, for an environment's account. */
  readonly trust: readonly string[];
  /** The environments (or `delivery`) this account and region holds. */
  readonly for: readonly string[];
}

/** Each account and region to bootstrap, once, the delivery account's first. */
export function bootstrapTargets(spec: EstateSpec): BootstrapTarget[] {
  const targets = new Map<string, { account: string; region: string; trust: Set<string>; for: string[] }>();
  const add = (account: string, region: string, trust: string[], what: string) => {
    const key = `${account}/${region}`;
    const t = targets.get(key) ?? { account, region, trust: new Set<string>(), for: [] };
    for (const a of trust) t.trust.add(a);
    t.for.push(what);
    targets.set(key, t);
  };
  add(spec.delivery.account, spec.region, [], 'delivery');
  for (const env of spec.environments) add(env.account, env.region, env.account === spec.delivery.account ? [] : [spec.delivery.account], env.name);
  return [...targets.values()].map((t) => ({ account: t.account, region: t.region, trust: [...t.trust].sort(), for: t.for }));
}

/** The `cdk bootstrap` command for one target. */
export function bootstrapCommand(t: BootstrapTarget): string {
  const trust = t.trust.map((a) => ` --trust ${a}`).join('');
  return `cdk bootstrap aws://${t.account}/${t.region}${trust} --cloudformation-execution-policies ${EXECUTION_POLICY}`;
}

/**
 * Bootstraps, with the credentials of this shell, the targets in their account (credentials reach
 * one account; the others are told to run the printed command with theirs).
 *
 * @returns the targets bootstrapped and those left for other credentials
 */
export async function runBootstrap(
  targets: readonly BootstrapTarget[],
  account: string,
  toolkit: Pick<Toolkit, 'bootstrap'>,
): Promise<{ done: BootstrapTarget[]; left: BootstrapTarget[] }> {
  const done: BootstrapTarget[] = [];
  const left: BootstrapTarget[] = [];
  for (const t of targets) {
    if (t.account !== account) {
      left.push(t);
      continue;
    }
    await toolkit.bootstrap(BootstrapEnvironments.fromList([`aws://${t.account}/${t.region}`]), {
      parameters: BootstrapStackParameters.withExisting({ trustedAccounts: [...t.trust], cloudFormationExecutionPolicies: [EXECUTION_POLICY] }),
    });
    done.push(t);
  }
  return { done, left };
}
