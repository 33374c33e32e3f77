import { allocateEstate } from '../estate/allocation';
import { readLock } from '../estate/lock';
import { estateQuotaProblems } from '../estate/quotas';
import { loadEstate } from '../manifest/load';
import { EstateError } from '../manifest/problems';
import type { Output } from './main';

/** Everything plan checks short of synthesis: manifests, the lock, and the estate-wide quotas. */
export function validateCommand(dir: string, io: Output): number {
  const spec = loadEstate(dir);
  const { environments } = allocateEstate(spec, readLock(dir));
  const problems = estateQuotaProblems(spec, environments);
  if (problems.length > 0) throw new EstateError(problems);
  const services = new Set([...spec.services.values()].flat().map((s) => s.name)).size;
  const shards = [...environments.values()].reduce((n, e) => n + e.shards.length, 0);
  io.out(`estate ${spec.name} is valid: ${spec.environments.length} environments, ${services} services, ${shards} load balancer shards`);
  return 0;
}
