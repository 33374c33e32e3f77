import { prepareEstate } from '../estate/prepare';
import type { Output } from './output';

/**
 * Everything plan checks short of synthesis: manifests, the lock, estate-wide changes and quotas.
 * What needs the templates (policy, stack quotas, the transition check) is plan's.
 */
export function validateCommand(dir: string, io: Output): number {
  const { spec, allocation } = prepareEstate(dir);
  const services = new Set([...spec.services.values()].flat().map((s) => s.name)).size;
  const shards = [...allocation.values()].reduce((n, e) => n + e.shards.length, 0);
  io.out(
    `estate ${spec.name} is valid: ${count(spec.environments.length, 'environment')}, ${count(services, 'service')}, ${count(shards, 'load balancer shard')} in all\n` +
      'plan checks more: policy, stack sizes, and whether the change from what is deployed (the lock) can be deployed',
  );
  return 0;
}

function count(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}
