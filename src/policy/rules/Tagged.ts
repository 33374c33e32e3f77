import { type CfnResource, TagManager } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties } from './resources';

/** The tag keys every taggable resource carries (see compile.ts), usable as cost-allocation tags. */
export const REQUIRED_TAGS = ['cityplan:estate', 'cityplan:environment', 'cityplan:service', 'cityplan:owner'] as const;

function Tagged(node: CfnResource): NagRuleCompliance {
  const manager = TagManager.of(node);
  if (manager) {
    const tags = manager.tagValues();
    return REQUIRED_TAGS.every((k) => tags[k] !== undefined && tags[k] !== '') ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  }
  // A raw `new CfnResource` has no tag manager: judged by the Tags it renders, if it has any. A raw
  // resource of a type that takes no tags cannot be told from one that forgot them; it passes.
  if (node.constructor.name !== 'CfnResource') return NagRuleCompliance.NOT_APPLICABLE;
  const tags = properties(node).Tags;
  if (tags === undefined) return NagRuleCompliance.NOT_APPLICABLE;
  const keys = Array.isArray(tags) ? tags.map((t: { Key?: unknown }) => t.Key) : Object.keys(tags as object);
  return REQUIRED_TAGS.every((k) => keys.includes(k)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const tagged: CityplanRule = {
  name: 'Tagged',
  info: `The resource does not carry every one of the tags ${REQUIRED_TAGS.join(', ')}.`,
  explanation: 'Cost allocation, ownership and incident routing read these tags; cityplan puts them on every stack (shared stacks as service `shared`).',
  check: Tagged,
};
