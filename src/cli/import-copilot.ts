import { join, resolve, sep } from 'node:path';
import { loadEstate } from '../manifest/load';
import { EstateError, UsageError } from '../manifest/problems';
import { importCopilot } from '../migrate/copilot/import';
import { writeEstateFolder } from '../migrate/copilot/write';
import type { Output } from './output';

export interface ImportFlags {
  readonly out: string;
  readonly json?: boolean;
}

/**
 * `cityplan import copilot <app-dir> --out <estate-dir> [--json]`: imports the Copilot application
 * in app-dir as a new estate in estate-dir, then validates what it wrote. With --json, prints
 * `{ estate, out, services, unmapped, secrets }`.
 *
 * @throws UsageError when --out is empty; EstateError when the application cannot be read (nothing
 *   is written) or the estate written does not validate; FileError when --out is in use or cannot
 *   be written
 */
export function importCopilotCommand(appDir: string, flags: ImportFlags, io: Output): number {
  if (flags.out.trim() === '') throw new UsageError('give the folder to write the estate into, such as --out my-estate');
  // An estate inside copilot/ would be read as a Copilot workload folder by the next import.
  const copilotDir = resolve(appDir, 'copilot');
  if (resolve(flags.out) === copilotDir || resolve(flags.out).startsWith(`${copilotDir}${sep}`)) {
    throw new UsageError(`--out ${flags.out} is inside the application's copilot folder, which is Copilot's; write the estate elsewhere, such as --out ${join(appDir, 'estate')}`);
  }
  const result = importCopilot(appDir);
  writeEstateFolder(flags.out, result.files);
  // What was written must validate. What Copilot accepted and cityplan cannot (one alias on two
  // services) is said here, with the file to change: the estate is written, for the team to fix.
  try {
    loadEstate(resolve(flags.out));
  } catch (e) {
    if (e instanceof EstateError) io.err(`cityplan: the estate is written to ${flags.out} (see IMPORT.md), but does not validate yet; fix what follows in it, then run cityplan validate ${flags.out}`);
    throw e;
  }
  if (flags.json) {
    io.out(JSON.stringify({ estate: result.estate, out: flags.out, services: result.services, unmapped: result.unmapped, secrets: result.secrets }, null, 2));
    return 0;
  }
  const copies = result.secrets.filter((s) => s.from);
  const typed = result.secrets.filter((s) => !s.from);
  io.out(
    [
      `imported ${result.services.length} service${result.services.length === 1 ? '' : 's'} of Copilot application ${result.application} into estate ${result.estate} at ${flags.out}: ${listed(result.services)}`,
      `${result.unmapped.length === 1 ? '1 field did not map or was approximated' : `${result.unmapped.length} fields did not map or were approximated`}: see ${flags.out}/IMPORT.md`,
      ...(copies.length > 0
        ? ['', `after each service's first deploy, copy its secrets from where Copilot read them (${copies.length}):`, ...copies.map((s) => `  ${s.command}`)]
        : []),
      ...(typed.length > 0
        ? ['', `and type a new value for each secret that was written in a Copilot manifest, then rotate the old one (${typed.length}):`, ...typed.map((s) => `  ${s.command}`)]
        : []),
      ...(result.secrets.length > 0 ? [''] : []),
      ...(result.services.length === 0 ? [`no workload was imported: IMPORT.md says what was found under copilot/ and why`] : []),
      `next: replace the TODO(import) placeholders in ${flags.out}, then run cityplan plan ${flags.out}`,
    ].join('\n'),
  );
  return 0;
}

/** Each service with its kind, or for more than ten (a line stays readable) the number of each kind. */
function listed(services: ReadonlyArray<{ name: string; kind: string }>): string {
  if (services.length === 0) return 'none';
  if (services.length <= 10) return services.map((s) => `${s.name} (${s.kind})`).join(', ');
  const kinds = new Map<string, number>();
  for (const s of services) kinds.set(s.kind, (kinds.get(s.kind) ?? 0) + 1);
  return [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
}
