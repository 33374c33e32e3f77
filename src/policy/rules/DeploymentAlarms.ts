import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties } from './resources';

/**
 * A web service (an ECS service behind a load balancer) has deployment alarms that are enabled and
 * roll a deployment back when they fire.
 */
function DeploymentAlarms(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::ECS::Service') return NagRuleCompliance.NOT_APPLICABLE;
  const p = properties(node);
  if (!Array.isArray(p.LoadBalancers) || p.LoadBalancers.length === 0) return NagRuleCompliance.NOT_APPLICABLE;
  const alarms = (p.DeploymentConfiguration as { Alarms?: { AlarmNames?: unknown[]; Enable?: unknown; Rollback?: unknown } } | undefined)?.Alarms;
  const ok = alarms !== undefined && alarms.Enable === true && alarms.Rollback === true && (alarms.AlarmNames ?? []).length > 0;
  return ok ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const deploymentAlarms: CityplanRule = {
  name: 'DeploymentAlarms',
  info: 'The web service has no enabled deployment alarm that rolls a deployment back.',
  explanation: 'A deployment that raises errors must undo itself without a person (NCSC principle 5, operational security).',
  check: DeploymentAlarms,
};
