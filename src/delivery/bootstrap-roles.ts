/**
 * The roles `cdk bootstrap` creates in every account it prepares (CDK Developer Guide,
 * "Bootstrapping": the default template's DeploymentActionRole and CloudFormationExecutionRole).
 * A pipeline in the delivery account reaches an environment's account through them, once that
 * account was bootstrapped with `--trust <delivery account>` (see `cityplan bootstrap`).
 */

/** The bootstrap qualifier cityplan's stacks use: CDK's default. */
export const BOOTSTRAP_QUALIFIER = 'hnb659fds';

/** The role a pipeline's CloudFormation action assumes in the target account (it may read pipeline artifacts of trusted accounts). */
export function deployRoleArn(account: string, region: string, qualifier = BOOTSTRAP_QUALIFIER): string {
  return `arn:aws:iam::${account}:role/cdk-${qualifier}-deploy-role-${account}-${region}`;
}

/** The role CloudFormation itself runs with in the target account (its policy: `--cloudformation-execution-policies`). */
export function executionRoleArn(account: string, region: string, qualifier = BOOTSTRAP_QUALIFIER): string {
  return `arn:aws:iam::${account}:role/cdk-${qualifier}-cfn-exec-role-${account}-${region}`;
}

/** Matches the deploy role of any region of an account, for resource policies that let it read. */
export function deployRolePattern(account: string, qualifier = BOOTSTRAP_QUALIFIER): string {
  return `arn:aws:iam::${account}:role/cdk-${qualifier}-deploy-role-${account}-*`;
}
