import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** Acknowledges policy rules on one construct, each with the reason a reviewer reads. */
export function acknowledge(construct: IConstruct, reasons: Readonly<Record<string, string>>): void {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(construct).acknowledge({ id, reason });
}

/**
 * The id under which AwsSolutions-IAM5 reports a wildcard resource of an IAM policy, as
 * `AwsSolutions-IAM5[Resource::<arn>]`, for acknowledging exactly that resource and no other.
 *
 * @param resource the resource as given to the policy statement; it must resolve to plain text in
 *   its stack (an ARN built by formatArn in a stack with an account and region, from names that are
 *   not tokens)
 * @throws Error when the resource still holds a deploy-time value (cdk-nag would name it otherwise)
 */
export function wildcardResourceFinding(scope: IConstruct, resource: string): string {
  const resolved: unknown = Stack.of(scope).resolve(resource);
  if (typeof resolved !== 'string') throw new Error(`wildcardResourceFinding needs a resource known at synthesis; got ${JSON.stringify(resolved)}`);
  return `AwsSolutions-IAM5[Resource::${resolved}]`;
}
