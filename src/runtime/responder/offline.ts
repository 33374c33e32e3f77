/**
 * Lookups without AWS, for `cityplan runbook replay`, tests and the benchmark: service settings
 * from a table, resources of the estate recognised by name, and deployment facts only where the
 * caller gives them. Nothing here is a guess presented as a fact: what is not given is unknown,
 * and the runbooks treat unknown as "do not act".
 */
import type { EstateRunbook } from '../../manifest/estate-runbooks';
import type { DeploymentFacts, Lookups, OpenIngress, ServiceSettings } from './context';

export interface OfflineFacts {
  readonly services: ReadonlyMap<string, ServiceSettings>;
  /** The estate's stack name prefix (`<estate>-<env>-`): a resource id starting with it is the estate's. */
  readonly stackPrefix: string;
  readonly deployments?: ReadonlyMap<string, DeploymentFacts>;
  /** Stopped tasks already counted per service in the current window. */
  readonly stops?: Map<string, number>;
  readonly openIngress?: ReadonlyMap<string, { readonly rules: readonly OpenIngress[]; readonly loadBalancer: boolean }>;
  /** The estate's own runbooks for the environment. */
  readonly runbooks?: readonly EstateRunbook[];
  /**
   * Collects what the decision needed and could not know offline, in words for `runbook replay`.
   * When given, a security group or certificate (whose id does not say whose it is) is taken as the
   * estate's, a task's network interface as a placeholder, and each is said here.
   */
  readonly unknown?: Set<string>;
}

/** Ids whose owner only AWS knows (the stack tag): a security group, an ACM certificate. */
const OPAQUE_ID = /^(sg-[0-9a-f]+|arn:aws[a-z-]*:acm:.*)$/;

export function offlineLookups(f: OfflineFacts): Lookups {
  const stops = f.stops ?? new Map<string, number>();
  return {
    service: async (name) => f.services.get(name),
    countStop: async (service) => {
      const n = (stops.get(service) ?? 0) + 1;
      stops.set(service, n);
      return n;
    },
    deployments: async (service) => {
      if (!f.deployments) f.unknown?.add('deployments');
      return f.deployments?.get(service);
    },
    taskInterface: async (taskArn) => {
      if (!f.unknown) return undefined;
      f.unknown.add(`the network interface of task ${taskArn} (AWS knows; shown as a placeholder)`);
      return '<the task\'s network interface>';
    },
    inEstate: async (_type, id) => {
      if (id.startsWith(f.stackPrefix) || id.includes(`/${f.stackPrefix}`)) return true;
      if (!f.unknown || !OPAQUE_ID.test(id)) return false;
      f.unknown.add(`whether ${id} is the estate's (AWS knows by its aws:cloudformation:stack-name tag); decided as if it were`);
      return true;
    },
    openIngress: async (groupId) => {
      const known = f.openIngress?.get(groupId);
      if (!known) f.unknown?.add(`the world-open rules of ${groupId} (AWS knows; none assumed, so nothing is revoked here)`);
      return known ?? { rules: [], loadBalancer: false };
    },
    validationRecords: async (arn) => {
      f.unknown?.add(`the DNS validation records of ${arn} (AWS knows; offline the certificate reads as not DNS-validated)`);
      return undefined;
    },
    estateRunbooks: async () => f.runbooks ?? [],
  };
}
