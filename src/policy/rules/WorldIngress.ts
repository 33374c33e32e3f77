import { type CfnResource, Stack } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties, same, stackResourcesOfType } from './resources';

/** Ports the load balancer may open to the world: HTTP (redirected) and HTTPS. */
const WEB_PORTS = new Set([80, 443]);
const WORLD = new Set(['0.0.0.0/0', '::/0']);

interface Ingress {
  readonly CidrIp?: unknown;
  readonly CidrIpv6?: unknown;
  readonly FromPort?: unknown;
  readonly ToPort?: unknown;
  readonly IpProtocol?: unknown;
  readonly GroupId?: unknown;
}

/**
 * No security group takes traffic from anywhere (0.0.0.0/0 or ::/0), except a load balancer's
 * group on TCP 80 or 443 alone. Checks inline rules of AWS::EC2::SecurityGroup and separate
 * AWS::EC2::SecurityGroupIngress resources alike.
 */
function WorldIngress(node: CfnResource): NagRuleCompliance {
  const type = node.cfnResourceType;
  let rules: Ingress[];
  let group: unknown;
  if (type === 'AWS::EC2::SecurityGroup') {
    rules = (properties(node).SecurityGroupIngress ?? []) as Ingress[];
    group = { 'Fn::GetAtt': [Stack.of(node).getLogicalId(node), 'GroupId'] };
  } else if (type === 'AWS::EC2::SecurityGroupIngress') {
    const p = properties(node) as Ingress;
    rules = [p];
    group = p.GroupId;
  } else {
    return NagRuleCompliance.NOT_APPLICABLE;
  }
  const open = rules.filter((r) => WORLD.has(String(r.CidrIp)) || WORLD.has(String(r.CidrIpv6)));
  if (open.length === 0) return NagRuleCompliance.COMPLIANT;
  const webOnly = open.every((r) => String(r.IpProtocol) === 'tcp' && r.FromPort === r.ToPort && WEB_PORTS.has(Number(r.FromPort)));
  if (!webOnly) return NagRuleCompliance.NON_COMPLIANT;
  const balancerGroups = stackResourcesOfType(node, 'AWS::ElasticLoadBalancingV2::LoadBalancer').flatMap((lb) => (properties(lb).SecurityGroups ?? []) as unknown[]);
  return balancerGroups.some((g) => same(g, group)) ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
}

export const worldIngress: CityplanRule = {
  name: 'WorldIngress',
  info: 'A security group takes traffic from 0.0.0.0/0 or ::/0 other than a load balancer on TCP 80 or 443.',
  explanation: 'Only the load balancer faces the internet; everything else is reached through it or the service network (NCSC principle 11, external interface protection).',
  check: WorldIngress,
};
