/**
 * config-drift: an AWS Config rule finds a resource of the estate NON_COMPLIANT. What is safe to
 * fix is fixed: a bucket's public access is blocked (cityplan buckets are never public), world-open
 * ingress on a port other than a load balancer's 80/443 is revoked. Everything else is reported.
 */
import { evidence, tuning, type Action, type OpenIngress, type ResponderContext, type Runbook } from '../context';
import { resourceName } from '../../../naming/names';

/** Config managed rules whose finding on a bucket means it can be read or written publicly. */
const PUBLIC_BUCKET_RULES = /^(s3-bucket-public-read-prohibited|s3-bucket-public-write-prohibited|s3-bucket-level-public-access-prohibited|s3-account-level-public-access-blocks)/;
/** Config managed rules whose finding on a security group means world-open ingress. */
const OPEN_GROUP_RULES = /^(restricted-ssh|restricted-common-ports|vpc-sg-open-only-to-authorized-ports|vpc-sg-restricted-common-ports)/;
/**
 * The managed rule's conventional name: cityplan names its own Config rules
 * `cityplan-<estate>-<env>-<rule>` (resourceName.configRule), an account's own rules keep the bare
 * name; both must match the rule lists above.
 */
export function conventionalRule(rule: string, ctx: ResponderContext): string {
  const prefix = resourceName.configRule(ctx.estate, ctx.environment, '');
  return rule.startsWith(prefix) ? rule.slice(prefix.length) : rule;
}
const LOAD_BALANCER_PORTS = new Set([80, 443]);
const onlyLoadBalancerPorts = (r: OpenIngress) => r.protocol === 'tcp' && r.fromPort !== undefined && r.fromPort === r.toPort && LOAD_BALANCER_PORTS.has(r.fromPort);

export const configDrift: Runbook = {
  name: 'config-drift',
  answers(o) {
    return o.type === 'compliance' && o.compliance === 'NON_COMPLIANT' ? {} : undefined;
  },
  async plan(o, ctx, settings, lookups) {
    if (o.type !== 'compliance') throw new Error('config-drift answers Config compliance changes only');
    const remediate = tuning(settings, 'config-drift').remediate === true;
    const conditions: Record<string, unknown> = { rule: o.rule, resource: `${o.resourceType} ${o.resourceId}` };
    const subject = `${o.resourceType} ${o.resourceId} breaks ${o.rule}`;
    const rule = conventionalRule(o.rule, ctx);
    const notify = (what: string): Action => ({ do: 'notify', subject: `${subject}: ${what}`, message: evidence(conditions) });
    if (o.resourceType === 'AWS::S3::Bucket' && PUBLIC_BUCKET_RULES.test(rule) && remediate) {
      return { conditions, actions: [{ do: 'block-public-access', bucket: o.resourceId }, notify('public access blocked')] };
    }
    if (o.resourceType === 'AWS::EC2::SecurityGroup' && OPEN_GROUP_RULES.test(rule) && remediate) {
      const { rules, loadBalancer } = await lookups.openIngress(o.resourceId);
      const revoke = rules.filter((r) => !(loadBalancer && onlyLoadBalancerPorts(r)));
      conditions.openIngress = rules.map((r) => `${r.protocol} ${r.fromPort ?? 'all'}-${r.toPort ?? 'all'} from ${r.cidr}`);
      conditions.loadBalancer = loadBalancer;
      if (revoke.length > 0) return { conditions, actions: [{ do: 'revoke-ingress', groupId: o.resourceId, rules: revoke }, notify(`${revoke.length} world-open rule(s) revoked`)] };
    }
    return { conditions, actions: [notify('not changed; needs a person')] };
  },
};
