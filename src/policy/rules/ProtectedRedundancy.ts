import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties, stackResourcesOfType } from './resources';

/** Tasks and zones a protected environment's service keeps, so that one zone's loss leaves one task. */
export const PROTECTED_MINIMUM = 2;

/**
 * An ECS service in a protected environment (cityplan sets termination protection on exactly the
 * stacks of protected environments) runs at least 2 tasks (its desired count, or the minimum of
 * the scalable target that owns the count) over subnets of at least 2 zones.
 */
function ProtectedRedundancy(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::ECS::Service' || !Stack.of(node).terminationProtection) return NagRuleCompliance.NOT_APPLICABLE;
  const p = properties(node);
  const subnets = ((p.NetworkConfiguration as { AwsvpcConfiguration?: { Subnets?: unknown[] } } | undefined)?.AwsvpcConfiguration?.Subnets ?? []).length;
  if (subnets < PROTECTED_MINIMUM) return NagRuleCompliance.NON_COMPLIANT;
  const targets = stackResourcesOfType(node, 'AWS::ApplicationAutoScaling::ScalableTarget')
    .map(properties)
    .filter((t) => t.ScalableDimension === 'ecs:service:DesiredCount');
  const counts = [...(p.DesiredCount !== undefined ? [Number(p.DesiredCount)] : []), ...targets.map((t) => Number(t.MinCapacity))];
  // No desired count and no scaling: ECS starts one task.
  if (counts.length === 0) return NagRuleCompliance.NON_COMPLIANT;
  return counts.every((c) => c >= PROTECTED_MINIMUM) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const protectedRedundancy: CityplanRule = {
  name: 'ProtectedRedundancy',
  info: 'The ECS service of a protected environment runs fewer than 2 tasks or in fewer than 2 availability zones.',
  explanation: 'A protected environment must survive the loss of a task or a zone (NCSC principle 2, asset protection and resilience).',
  check: ProtectedRedundancy,
};
