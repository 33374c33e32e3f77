import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties } from './resources';

/** Whether a container definition's User makes it run as root: unset (the image decides), uid 0 or `root`. */
export function runsAsRoot(user: unknown): boolean {
  if (user === undefined || user === null || user === '') return true;
  const name = String(user).split(':')[0]!;
  return name === '0' || name === 'root';
}

function NonRootContainers(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::ECS::TaskDefinition') return NagRuleCompliance.NOT_APPLICABLE;
  const containers = (properties(node).ContainerDefinitions ?? []) as Array<{ User?: unknown }>;
  return containers.some((c) => runsAsRoot(c.User)) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

export const nonRootContainers: CityplanRule = {
  name: 'NonRootContainers',
  info: 'A container runs as root: its User is unset (the image decides), 0 or root.',
  explanation: 'A process that escapes its container as root has more to reach (NCSC principle 3, separation between tenants). Acknowledge on the task definition, with the reason, when an image truly needs root.',
  check: NonRootContainers,
};
