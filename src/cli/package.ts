import { packageService } from '../delivery/package';
import { refuseEstateOwnFile } from '../files/estate-paths';
import type { Output } from './output';

export interface PackageFlags {
  readonly service: string;
  readonly env: string;
  readonly imageTag: string;
  readonly out: string;
}

/**
 * Writes the template(s) a service pipeline deploys for one service and environment (delivery/package.ts).
 * Exit 2 for an --out that is the estate's own folder (services/, the estate itself): templates do not belong there.
 */
export function packageCommand(dir: string, flags: PackageFlags, io: Output): number {
  refuseEstateOwnFile(dir, flags.out, '--out', 'packaged');
  const written = packageService(dir, { service: flags.service, environment: flags.env, imageTag: flags.imageTag, out: flags.out });
  for (const w of written) io.out(`${w.stack}: ${w.template} (parameters: ${w.configuration})`);
  return 0;
}
