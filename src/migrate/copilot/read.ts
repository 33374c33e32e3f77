/**
 * Reads an AWS Copilot application's manifests from its workspace: `copilot/.workspace`, one
 * folder per workload (`copilot/<name>/manifest.yml`, its `addons/` and `overrides/`), the
 * environments (`copilot/environments/<env>/manifest.yml` and `copilot/environments/addons/`), and
 * the pipelines (`copilot/pipelines/<name>/manifest.yml`, or `copilot/pipeline.yml` from before
 * Copilot v1.16). The layout is Copilot's own (its "Manifest" and "Additional AWS Resources"
 * documentation).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { EstateError, type Problem, UsageError, uniqueProblems } from '../../manifest/problems';
import { YamlSource } from '../../manifest/yaml-source';

/** A manifest file: its path relative to the application folder, its parsed data and positions. */
export interface ManifestFile {
  readonly file: string;
  readonly source: YamlSource;
  readonly data: Record<string, unknown>;
}

/** An addon template (CloudFormation): its path and its `Resources` by logical id. */
export interface AddonFile {
  readonly file: string;
  readonly resources: Record<string, { Type?: unknown; Properties?: Record<string, unknown> }>;
}

export interface CopilotWorkload {
  /** The folder name under copilot/, which Copilot makes the workload's name. */
  readonly folder: string;
  readonly manifest: ManifestFile;
  readonly addons: readonly AddonFile[];
  /** `copilot/<name>/overrides/`: YAML patches or a CDK application applied to Copilot's template. */
  readonly overrides?: string;
}

export interface CopilotApp {
  /** The application name from copilot/.workspace (`application:`), or undefined when it has none. */
  readonly application?: string;
  readonly workloads: readonly CopilotWorkload[];
  readonly environments: readonly ManifestFile[];
  readonly environmentAddons: readonly AddonFile[];
  readonly pipelines: readonly ManifestFile[];
  /** Folders under copilot/ that look like workloads but hold no manifest.yml, with why each was not imported. */
  readonly skipped: ReadonlyArray<{ readonly file: string; readonly why: string; readonly todo: string }>;
}

const WORKSPACE = 'copilot/.workspace';
/** How errors in the application are headed (EstateError's subject). */
export const COPILOT_APP = 'the Copilot application';
/** Folders under copilot/ that hold no workload. */
const NOT_WORKLOADS = new Set(['environments', 'pipelines']);

/**
 * Reads the application in `appDir`.
 *
 * @throws EstateError when there is no copilot/ folder, or a file is not valid YAML (every such
 *   file at once, each as file:line: message)
 */
export function readCopilotApp(appDir: string): CopilotApp {
  const copilot = join(appDir, 'copilot');
  if (!isDir(appDir)) {
    throw new UsageError(`${appDir} ${existsSync(appDir) ? 'is a file' : 'does not exist'}; give the folder of the Copilot application, the one holding copilot/.workspace and copilot/<service>/manifest.yml`);
  }
  if (!isDir(copilot)) {
    throw new EstateError(
      [
        {
          file: 'copilot',
          message: `${appDir} has no copilot folder; give the folder of the Copilot application, the one holding copilot/.workspace and copilot/<service>/manifest.yml`,
        },
      ],
      COPILOT_APP,
    );
  }
  const problems: Problem[] = [];
  const manifest = (file: string): ManifestFile | undefined => {
    const read = YamlSource.read(join(appDir, file), file);
    problems.push(...read.problems);
    return read.source ? { file, source: read.source, data: (read.source.data() ?? {}) as Record<string, unknown> } : undefined;
  };

  let application: string | undefined;
  if (existsSync(join(appDir, WORKSPACE))) {
    const workspace = manifest(WORKSPACE);
    const name = workspace?.data.application;
    if (typeof name === 'string' && name.trim()) application = name.trim();
  }

  const workloads: CopilotWorkload[] = [];
  const skipped: Array<CopilotApp['skipped'][number]> = [];
  for (const folder of folders(copilot)) {
    if (NOT_WORKLOADS.has(folder)) continue;
    const file = `copilot/${folder}/manifest.yml`;
    if (!existsSync(join(appDir, file))) {
      // Copilot reads a workload's manifest from copilot/<name>/manifest.yml only (its "Manifest"
      // documentation), so this folder was no workload it deployed; said, never dropped quietly.
      const yaml = existsSync(join(appDir, `copilot/${folder}/manifest.yaml`));
      skipped.push(
        yaml
          ? { file: `copilot/${folder}/manifest.yaml`, why: 'Copilot reads a workload\'s manifest from manifest.yml only, so this one was not imported', todo: `rename it to copilot/${folder}/manifest.yml and import again, if ${folder} is a workload` }
          : { file: `copilot/${folder}`, why: 'has no manifest.yml, so it is no Copilot workload and was not imported', todo: `if ${folder} is a workload, put its manifest at copilot/${folder}/manifest.yml and import again` },
      );
      continue;
    }
    const read = manifest(file);
    const addons = addonFiles(appDir, `copilot/${folder}/addons`, problems);
    const overrides = isDir(join(copilot, folder, 'overrides')) ? `copilot/${folder}/overrides` : undefined;
    if (read) workloads.push({ folder, manifest: read, addons, ...(overrides ? { overrides } : {}) });
  }

  const environments: ManifestFile[] = [];
  for (const env of isDir(join(copilot, 'environments')) ? folders(join(copilot, 'environments')) : []) {
    const file = `copilot/environments/${env}/manifest.yml`;
    if (env === 'addons' || !existsSync(join(appDir, file))) continue;
    const read = manifest(file);
    if (read) environments.push(read);
  }
  const environmentAddons = addonFiles(appDir, 'copilot/environments/addons', problems);

  const pipelines: ManifestFile[] = [];
  if (existsSync(join(appDir, 'copilot/pipeline.yml'))) {
    const read = manifest('copilot/pipeline.yml');
    if (read) pipelines.push(read);
  }
  for (const name of isDir(join(copilot, 'pipelines')) ? folders(join(copilot, 'pipelines')) : []) {
    const file = `copilot/pipelines/${name}/manifest.yml`;
    if (!existsSync(join(appDir, file))) continue;
    const read = manifest(file);
    if (read) pipelines.push(read);
  }

  if (problems.length > 0) throw new EstateError(uniqueProblems(problems), COPILOT_APP);
  return { ...(application ? { application } : {}), workloads, environments, environmentAddons, pipelines, skipped };
}

/**
 * The CloudFormation templates in `folder` (`*.yml`, `*.yaml`), but `addons.parameters.yml`, which
 * only passes values to them. CloudFormation's short forms (`!Ref`, `!Sub`, …) are read as the
 * plain values they tag: only resource types and literal properties are looked at.
 */
function addonFiles(appDir: string, folder: string, problems: Problem[]): AddonFile[] {
  if (!isDir(join(appDir, folder))) return [];
  return readdirSync(join(appDir, folder))
    .filter((f) => /\.ya?ml$/.test(f) && !/^addons\.parameters\.ya?ml$/.test(f))
    .sort()
    .flatMap((name) => {
      const file = `${folder}/${name}`;
      const text = readFileSync(join(appDir, file), 'utf8');
      // prettyErrors (the default) gives each error its line and column (linePos); the message then
      // ends with " at line L, column C:" and a snippet, which the problem's own position replaces.
      const doc = parseDocument(text, { logLevel: 'silent', uniqueKeys: true });
      if (doc.errors.length > 0) {
        for (const error of doc.errors) {
          const line = error.linePos?.[0];
          const message = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
          problems.push({ file, ...(line ? { line: line.line, column: line.col } : {}), message: `is not valid YAML: ${message}` });
        }
        return [];
      }
      const data = doc.toJS() as { Resources?: unknown } | null;
      const resources = data && typeof data.Resources === 'object' && data.Resources !== null ? (data.Resources as AddonFile['resources']) : {};
      return [{ file, resources }];
    });
}

function folders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort();
}

function isDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}
