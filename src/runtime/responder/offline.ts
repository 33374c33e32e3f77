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
}

export function offlineLookups(f: OfflineFacts): Lookups {
  const stops = f.stops ?? new Map<string, number>();
  return {
    service: async (name) => f.services.get(name),
    deployments: async (service) => f.deployments?.get(service),
    countStop: async (service) => {
      const n = (stops.get(service) ?? 0) + 1;
      stops.set(service, n);
      return n;
    },
    taskInterface: async () => undefined,
    inEstate: async (_type, id) => id.startsWith(f.stackPrefix) || id.includes(`/${f.stackPrefix}`),
    openIngress: async (groupId) => f.openIngress?.get(groupId) ?? { rules: [], loadBalancer: false },
    validationRecords: async () => undefined,
    estateRunbooks: async () => f.runbooks ?? [],
  };
}
