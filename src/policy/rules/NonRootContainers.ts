import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties } from './resources';

import { runsAsRoot } from '../../manifest/root-user';


function NonRootContainers(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::ECS::TaskDefinition') return NagRuleCompliance.NOT_APPLICABLE;
  const containers = (properties(node).ContainerDefinitions ?? []) as Array<{ User?: unknown }>;
  return containers.some((c) => runsAsRoot(c.User)) ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

export const nonRootContainers: CityplanRule = {
  name: 'NonRootContainers',
  info: 'A container runs as root: its User is unset (the image decides), 0 or root.',
  explanation: 'A process that escapes its container as root has more to reach (NCSC principle 3, separation between tenants). A service acknowledges it with rootReason beside user in its manifest when its image truly needs root.',
  check: NonRootContainers,
};
