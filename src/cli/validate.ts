import { prepareEstate } from '../estate/prepare';
import type { Output } from './main';

/** Everything plan checks short of synthesis: manifests, the lock, estate-wide changes and quotas. */
export function validateCommand(dir: string, io: Output): number {
  const { spec, allocation } = prepareEstate(dir);
  const services = new Set([...spec.services.values()].flat().map((s) => s.name)).size;
  const shards = [...allocation.values()].reduce((n, e) => n + e.shards.length, 0);
  io.out(`estate ${spec.name} is valid: ${spec.environments.length} environments, ${services} services, ${shards} load balancer shards`);
  return 0;
}
