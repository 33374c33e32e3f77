import { loadEstate } from '../manifest/load';
import type { Output } from './main';

export function validateCommand(dir: string, io: Output): number {
  const spec = loadEstate(dir);
  const services = new Set([...spec.services.values()].flat().map((s) => s.name)).size;
  io.out(`estate ${spec.name} is valid: ${spec.environments.length} environments, ${services} services`);
  return 0;
}
