import { packageService } from '../delivery/package';
import type { Output } from './output';

export interface PackageFlags {
  readonly service: string;
  readonly env: string;
  readonly imageTag: string;
  readonly out: string;
}

/** Writes the template(s) a service pipeline deploys for one service and environment (delivery/package.ts). */
export function packageCommand(dir: string, flags: PackageFlags, io: Output): number {
  const written = packageService(dir, { service: flags.service, environment: flags.env, imageTag: flags.imageTag, out: flags.out });
  for (const w of written) io.out(`${w.stack}: ${w.template} (parameters: ${w.configuration})`);
  return 0;
}
