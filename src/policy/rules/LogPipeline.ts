import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties, same, stackResourcesOfType } from './resources';

/**
 * Every log group a task definition's containers log to (awslogs driver) has a subscription filter
 * in the same stack: the service's logs reach the environment's log pipeline (issue 11's
 * ServiceLogs). A log group of another stack cannot be checked here and is judged where it is made.
 */
function LogPipeline(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::ECS::TaskDefinition') return NagRuleCompliance.NOT_APPLICABLE;
  const containers = (properties(node).ContainerDefinitions ?? []) as Array<{ LogConfiguration?: { LogDriver?: string; Options?: Record<string, unknown> } }>;
  const groups = containers.flatMap((c) => (c.LogConfiguration?.LogDriver === 'awslogs' && c.LogConfiguration.Options ? [c.LogConfiguration.Options['awslogs-group']] : []));
  if (groups.length === 0) return NagRuleCompliance.NON_COMPLIANT;
  const subscribed = stackResourcesOfType(node, 'AWS::Logs::SubscriptionFilter').map((f) => properties(f).LogGroupName);
  return groups.every((g) => subscribed.some((s) => same(s, g))) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const logPipeline: CityplanRule = {
  name: 'LogPipeline',
  info: 'A container logs to a log group that is not subscribed to the log pipeline (or does not log to CloudWatch Logs).',
  explanation: 'Every service log must reach the environment log bucket for audit and incident response (NCSC principle 13, audit information).',
  check: LogPipeline,
};
