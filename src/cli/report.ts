import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { explainFileErrors, FileError } from '../files/file-error';
import { refuseEstateOwnFile } from '../files/estate-paths';
import { writeFileAtomic } from '../files/write-atomic';
import { EstateError, UsageError } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import type { EnvironmentAllocation } from '../estate/allocation';
import type { CostInput } from '../report/model';
import { estimateCost } from '../cost/estimate';
import { buildReportModel } from '../report/build';
import { renderReport } from '../report/page';
import type { Output } from './output';

export interface ReportFlags {
  readonly out?: string;
  readonly diagramEnv?: string;
}

/**
 * `cityplan report <dir> --out FILE.html [--diagram-env E]`: plans the estate and writes one
 * self-contained HTML page of it. Exit 0 written; 1 the estate does not plan (every problem
 * listed, nothing written) or the file cannot be written; 2 usage (no --out, an --out that is the
 * estate's own file or folder, an unknown environment). Progress goes to stderr, the file's name to stdout.
 */
export async function reportCommand(dir: string, flags: ReportFlags, io: Output): Promise<number> {
  if (!flags.out || flags.out.trim() === '') throw new UsageError('--out needs the file to write the report to, such as --out report.html');
  refuseEstateOwnFile(dir, flags.out, '--out', 'report.html');
  checkWritable(flags.out);
  const model = await buildReportModel(dir, {
    diagramEnvironment: flags.diagramEnv,
    estimate: (spec, allocation) => costPerEnvironment(spec, allocation, io),
    // Said only once --diagram-env is known good: an unknown one exits 2 without planning.
    planning: () => io.err(`cityplan: planning estate ${dir} for the report`),
  });
  const services = model.environments.reduce((n, e) => n + e.services.length, 0);
  io.err(`cityplan: writing the report: ${model.environments.length} environment${model.environments.length === 1 ? '' : 's'}, ${services} service rows`);
  writeFileAtomic(flags.out, renderReport(model, { diagramEnvironment: flags.diagramEnv }), REMEDY);
  io.out(`report written to ${resolve(flags.out)}`);
  return 0;
}

const REMEDY = 'choose an --out in a folder you can write to';

/**
 * Each environment's estimate, made one environment at a time (`cityplan cost --env E`), so that an
 * environment in a region the price table lacks costs only itself its figures: its section shows '—'
 * and says why (so does stderr); every other environment keeps its own.
 */
function costPerEnvironment(spec: EstateSpec, allocation: ReadonlyMap<string, EnvironmentAllocation>, io: Output): CostInput {
  const environments: Array<CostInput['environments'][number]> = [];
  const unpriced: Array<{ name: string; reason: string }> = [];
  for (const env of spec.environments) {
    try {
      environments.push(...estimateCost(spec, allocation, { environment: env.name }).environments);
    } catch (e) {
      if (!(e instanceof EstateError)) throw e;
      const reason = e.problems.map((p) => p.message).join('; ');
      unpriced.push({ name: env.name, reason });
      io.err(`cityplan: no costs for ${env.name} in the report: ${reason}`);
    }
  }
  return { environments, unpriced };
}

/**
 * Fails before planning (which may update the lock) when --out plainly cannot be written: its
 * folder is missing, not a folder or not writable, or a folder is where the file would go.
 * @throws FileError naming the path
 */
function checkWritable(out: string): void {
  const file = resolve(out);
  explainFileErrors(file, `write ${file}`, REMEDY, () => {
    accessSync(dirname(file), constants.W_OK);
    // access() passes a writable file as readily as a folder.
    if (!statSync(dirname(file)).isDirectory()) throw Object.assign(new Error(`${dirname(file)} is a file`), { code: 'ENOTDIR' });
  });
  if (existsSync(file) && statSync(file).isDirectory()) throw new FileError(file, `cannot write ${file}: a folder is in the way (EISDIR); ${REMEDY}`);
}
