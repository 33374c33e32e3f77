import { type Stack, Tags } from 'aws-cdk-lib';

export { SHARED_SERVICE } from './service-tag';
import { SHARED_SERVICE } from './service-tag';

/**
 * Puts the stack's tags (estate, environment, service, owner: see compile.ts and serviceTags) on
 * every taggable resource in its template, not only on the stack: CloudFormation propagates stack
 * tags to most resources at deploy time, but not to all, and a template that carries them can be
 * checked at plan time (Cityplan-Tagged) and by cfn-guard. Tags.of is CDK's tag aspect: one visit
 * of the stack's constructs at synthesis.
 */
export function tagResources(stack: Stack): void {
  for (const [key, value] of Object.entries(stack.tags.tagValues())) Tags.of(stack).add(key, value);
}
