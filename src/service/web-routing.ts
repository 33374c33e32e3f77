/**
 * How a web service's names and deploy strategy turn into load-balancer resources: host-header
 * rules, target groups and SNI certificates. The allocator counts these against each shard's
 * budget and the web service stack builds exactly these, so both read them from here.
 *
 * Imports nothing of CDK: the allocator runs before anything is constructed.
 */
import { coveredByWildcard, type EnvironmentSpec, type ServiceSpec } from '../manifest/spec';
import { resourceName } from '../naming/names';

/**
 * Host names one listener rule matches: the ELB quota "condition values per rule" is 5 (not
 * adjustable; Quotas for your Application Load Balancers). A service with more names gets more
 * rules, all forwarding to its target group.
 */
export const HOSTS_PER_RULE = 5;

/** Names one ACM certificate holds: the ACM default quota "domain names per ACM certificate" (10). */
export const NAMES_PER_CERTIFICATE = 10;

export type DeployStrategy = ServiceSpec['deploy']['strategy'];

/**
 * Whether ECS shifts traffic between two target groups on the service's production listener rule
 * (ECS-native canary, linear and blue/green deployments); rolling replaces tasks in one group.
 */
export const shiftsTraffic = (strategy: DeployStrategy | undefined): boolean => strategy !== undefined && strategy !== 'rolling';

/** What one web service costs its shard. */
export interface WebCost {
  /** Listener rules, each at a priority of its own. */
  readonly rules: number;
  /** Target groups: 1, or 2 when ECS shifts traffic between them. */
  readonly targetGroups: number;
  /** SNI certificates of its own on the shard's HTTPS listener. */
  readonly certificates: number;
}

/**
 * The host-header rules of a service, in order: its own <service>.<domain> first, then its extra
 * hostnames in manifest order, at most HOSTS_PER_RULE to a rule. Appending a name changes only the
 * last rule (or adds one); the first rule, which keeps the service's first priority, always holds
 * its own name.
 *
 * @param hosts every name the service answers to, its own first
 */
export function ruleHosts(hosts: readonly string[]): string[][] {
  return chunk(hosts, HOSTS_PER_RULE);
}

/**
 * The service's own certificates: the names the environment's wildcard `*.<domain>` does not
 * cover, in manifest order, at most NAMES_PER_CERTIFICATE to a certificate. Empty when the
 * wildcard covers every name.
 */
export function certificateNames(hosts: readonly string[], domain: string): string[][] {
  return chunk(
    hosts.filter((h) => !coveredByWildcard(h, domain)),
    NAMES_PER_CERTIFICATE,
  );
}

/**
 * What a service with these names and this strategy costs its shard.
 * @param hosts every name the service answers to, its own first
 */
export function costOf(hosts: readonly string[], domain: string, strategy: DeployStrategy | undefined): WebCost {
  return {
    rules: ruleHosts(hosts).length,
    targetGroups: shiftsTraffic(strategy) ? 2 : 1,
    certificates: certificateNames(hosts, domain).length,
  };
}

/** Every name a web service answers to, its own <service>.<domain> first. */
export function webHosts(service: ServiceSpec, env: EnvironmentSpec): string[] {
  return [resourceName.serviceHost(service.name, env.domain), ...service.hostnames];
}

/** What a web service of the manifests costs its shard in an environment. */
export function webCost(service: ServiceSpec, env: EnvironmentSpec): WebCost {
  return costOf(webHosts(service, env), env.domain, service.deploy.strategy);
}

function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
