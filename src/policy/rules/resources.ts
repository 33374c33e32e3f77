import { CfnResource, Stack } from 'aws-cdk-lib';
import type { NagRuleResult } from 'cdk-nag';

/**
 * One of cityplan's own plan-time rules, in the shape cdk-nag's rules have: a named function over
 * one CfnResource answering compliant, non-compliant or not applicable (see
 * node_modules/cdk-nag/lib/rules), with the words a finding shows.
 */
export interface CityplanRule {
  /** The rule's id after `Cityplan-`, as findings and acknowledgements name it. */
  readonly name: string;
  /** What is wrong, one line. */
  readonly info: string;
  /** Why the rule exists. */
  readonly explanation: string;
  readonly check: (node: CfnResource) => NagRuleResult;
}

type Properties = Record<string, unknown>;
const rendered = new WeakMap<CfnResource, Properties>();

/**
 * The resource's CloudFormation properties as the template will hold them: PascalCase, with
 * escape-hatch overrides applied and tokens resolved. The same for an L1 class and a raw
 * `new CfnResource`, so that rules judge both alike. Rendered once per resource (cached), and only
 * for the few types the rules read, to keep plans fast.
 */
export function properties(node: CfnResource): Properties {
  let found = rendered.get(node);
  if (!found) {
    const stack = Stack.of(node);
    // _toCloudFormation is CDK's own rendering of the resource (internal API, stable since v1).
    const template = stack.resolve((node as unknown as { _toCloudFormation(): unknown })._toCloudFormation()) as {
      Resources?: Record<string, { Properties?: Properties }>;
    };
    found = Object.values(template.Resources ?? {})[0]?.Properties ?? {};
    rendered.set(node, found);
  }
  return found;
}

const byStack = new WeakMap<Stack, CfnResource[]>();

/** Every CloudFormation resource of the node's stack (found once per stack). */
export function stackResources(node: CfnResource): readonly CfnResource[] {
  const stack = Stack.of(node);
  let found = byStack.get(stack);
  if (!found) {
    found = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
    byStack.set(stack, found);
  }
  return found;
}

/** The resources of the node's stack of one CloudFormation type. */
export function stackResourcesOfType(node: CfnResource, type: string): CfnResource[] {
  return stackResources(node).filter((r) => r.cfnResourceType === type);
}

/** A value as JSON, for comparing references (`{Ref: X}`, `{Fn::GetAtt: [...]}`) by content. */
export const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
