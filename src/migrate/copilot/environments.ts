/**
 * Environment manifests (`copilot/environments/<env>/manifest.yml`) → estate.yaml environments.
 * Copilot keeps an environment's account, region and domain outside its manifest (in the
 * application's SSM parameters), so those are placeholders; the network and load balancer settings
 * cityplan decides itself are reported.
 */
import { isMap } from './draft';
import type { ManifestFile } from './read';
import type { Findings } from './report';

/** Environment settings cityplan decides itself, with what to do instead. */
const DECIDED: Readonly<Record<string, { why: string; todo: string }>> = {
  'network.vpc.id': { why: 'cityplan creates each environment\'s own VPC', todo: 'nothing; services that reach resources in the old VPC need them moved, peered or reached over their public endpoints' },
  'network.vpc.cidr': { why: 'cityplan chooses the VPC\'s address range', todo: 'tell the platform team if the range must not overlap a network you peer with' },
  'network.vpc.subnets': { why: 'cityplan makes public and private subnets in each of its zones (zones: 2 or 3)', todo: 'nothing' },
  'network.vpc.security_group': { why: 'cityplan makes a security group per service and opens only what calls and the load balancer need', todo: 'declare service-to-service access with calls:' },
  'network.vpc.flow_logs': { why: 'cityplan decides VPC flow logs for every environment', todo: 'nothing' },
  'http.public.certificates': { why: 'cityplan requests its own ACM certificates, validated in the environment\'s zone', todo: 'nothing; the old certificates can be deleted after cut-over' },
  'http.public.access_logs': { why: 'cityplan keeps load balancer access logs in its own bucket', todo: 'nothing' },
  'http.public.ssl_policy': { why: 'cityplan sets a TLS 1.2+ security policy on every listener', todo: 'nothing, unless clients need another policy' },
  'http.public.ingress': { why: 'cityplan web services are public behind a WAF; CloudFront-only or IP-limited ingress is not offered', todo: 'raise it with the platform team if the restriction must stay' },
  'http.private': { why: 'cityplan backends are reached through the service network by the services that call them, not through an internal load balancer', todo: 'list backends under calls: in their callers' },
  cdn: { why: 'cityplan puts no CloudFront distribution in front of the load balancers', todo: 'keep the distribution and point its origin at cityplan\'s load balancer, or drop it' },
  observability: { why: 'cityplan decides Container Insights for every environment', todo: 'nothing' },
};

/** What an environment manifest gives an estate environment (only `zones`), with the rest reported. */
export function mapEnvironment(manifest: ManifestFile, f: Findings): { zones?: 3 } {
  const out: { zones?: 3 } = {};
  const { name: _name, type: _type, ...data } = manifest.data;
  const subnets = isMap(data.network) && isMap(data.network.vpc) && isMap(data.network.vpc.subnets) ? data.network.vpc.subnets : undefined;
  const zoneCount = Math.max(...['public', 'private'].map((k) => (Array.isArray(subnets?.[k]) ? (subnets![k] as unknown[]).length : 0)));
  if (zoneCount >= 3) out.zones = 3;
  // A setting cityplan decides is reported once, however many of its fields the manifest sets.
  const reported = new Set<string>();
  for (const [path, value] of leaves(data)) {
    const key = Object.keys(DECIDED).find((k) => path === k || path.startsWith(`${k}.`));
    if (key) {
      if (!reported.has(key)) f.add(key, DECIDED[key]!.why, DECIDED[key]!.todo);
      reported.add(key);
    } else f.add(path, `has no cityplan form (${JSON.stringify(value)})`, 'check whether the environment relies on it');
  }
  return out;
}

/** The dotted paths and values of the leaves of `data`, lists as values. */
function leaves(data: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  return Object.entries(data).flatMap(([k, v]): Array<[string, unknown]> => {
    const path = prefix ? `${prefix}.${k}` : k;
    return isMap(v) && Object.keys(v).length > 0 ? leaves(v, path) : [[path, v]];
  });
}
