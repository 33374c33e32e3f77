/**
 * Reads an estate folder into an EstateSpec, or throws an EstateError listing every problem found
 * (each with file, line, column and field), never only the first.
 */
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { isUserFixable, reasonOf } from '../files/file-error';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { builtInLayer, type Layer, mergeLayers } from './layers';
import { closest } from './near';
import { EstateError, type Problem, UsageError, uniqueProblems } from './problems';
import { egressRules } from './egress-rules';
import { domainsApart, environmentRules, NOT_FOR_THIS_KIND, SERVICE_FILE_RULES, SERVICE_RULES, ServiceContext, serviceLinks, uniqueHostnames, uniqueStackNames } from './rules';
import { type EstateFile, estateFile, type ServiceFile, serviceFile } from './schema';
import { loadEstateRunbooks } from './estate-runbooks';
import { environmentsOf } from './runs-in';
import { DEFAULT_ACTIONS_PER_HOUR } from './runbooks';
import { checkShape } from './shape';
import type { EnvironmentSpec, EstateSpec, ServiceSpec } from './spec';
import type { ManifestCache } from './manifest-cache';
import { YamlSource } from './yaml-source';

export const ESTATE_FILE = 'estate.yaml';
export const SERVICES_DIR = 'services';

interface ParsedService {
  readonly source: YamlSource;
  readonly file: ServiceFile;
  /** Fields of the file that failed validation (see checkShape). */
  readonly failed: ReadonlyArray<readonly PropertyKey[]>;
}

export interface LoadOptions {
  /**
   * Which service held a host name in an environment before this change (the lock's record): when
   * two services claim one name, the newcomer is told, at its own file, not the holder.
   */
  readonly holderOf?: (environment: string, hostname: string) => string | undefined;
  /** Service files read before without a problem, parsed and checked (manifest-cache.ts); default none. */
  readonly cache?: ManifestCache;
}

export function loadEstate(dir: string, options: LoadOptions = {}): EstateSpec {
  const problems: Problem[] = [];
  const estatePath = join(dir, ESTATE_FILE);
  checkEstateFolder(dir);

  const estateRead = YamlSource.read(estatePath, ESTATE_FILE);
  problems.push(...estateRead.problems);
  const estateShape = estateRead.source ? checkShape(estateFile, estateRead.source, estateRead.source.data()) : undefined;
  problems.push(...(estateShape?.problems ?? []));

  const files = serviceFiles(dir, problems);
  const services = readServices(dir, files, problems, options.cache);
  const estate = estateShape?.value ?? (estateRead.source && withPlaceholders(estateRead.source.data()));
  if (!estate || !estateRead.source) throw new EstateError(uniqueProblems([...problems]));

  // A host name belongs to one service: as an estate default it would be every service's at once.
  if (estate.defaults?.hostnames) {
    problems.push(estateRead.source.problem(['defaults', 'hostnames'], "names one service each; list them in each service's own file", true));
    const { hostnames: _hostnames, ...defaults } = estate.defaults;
    estate.defaults = defaults;
  }
  const environments = Object.entries(estate.environments).map(([name, e]) => toEnvironment(name, e, estate));
  for (const env of environments) problems.push(...environmentRules(env, estateRead.source));

  const contexts: ServiceContext[] = [];
  for (const svc of services) {
    for (const envName of Object.keys(svc.file.environments ?? {})) {
      if (!estate.environments[envName]) {
        problems.push(
          svc.source.problem(['environments', envName], `environment '${envName}' is not in ${ESTATE_FILE} (${Object.keys(estate.environments).join(', ')})`, true),
        );
      }
    }
    const placed = environmentsOf(svc.file, svc.source, environments);
    problems.push(...placed.problems);
    for (const env of placed.runsIn) {
      const layers = layersFor(svc, env.name, estate, estateRead.source, estateShape?.failed ?? []);
      const spec = toService(svc.file.name, svc.source.file, mergeLayers(layers));
      contexts.push(new ServiceContext(spec, env, layers, svc.source, estate.name));
    }
    // The file's own values, which overrides in every environment would otherwise hide.
    if (Object.keys(svc.file.environments ?? {}).length > 0 && placed.runsIn.length > 0) {
      const layers = layersFor(svc, undefined, estate, estateRead.source, estateShape?.failed ?? []);
      const base = new ServiceContext(toService(svc.file.name, svc.source.file, mergeLayers(layers)), placed.runsIn[0]!, layers, svc.source, estate.name);
      for (const rule of SERVICE_FILE_RULES) problems.push(...rule(base));
    }
  }
  for (const ctx of contexts) for (const rule of SERVICE_RULES) problems.push(...rule(ctx));
  problems.push(...egressRules(contexts, estate.region));
  problems.push(...uniqueHostnames(contexts, options.holderOf), ...uniqueStackNames(contexts), ...serviceLinks(contexts, new Set(files.map((f) => basename(f).replace(/\.ya?ml$/, '')))), ...domainsApart(environments, contexts, estateRead.source));

  const patterns = new Map<string, number>();
  for (const ctx of contexts) patterns.set(ctx.spec.name, Math.max(patterns.get(ctx.spec.name) ?? 0, ctx.spec.logs.alarmOn.length));
  const runbooks = loadEstateRunbooks(dir, files.length > 0 ? services.map((s) => s.file.name) : undefined, environments.map((e) => e.name), problems, files.length > 0 && !problems.some((p) => p.file.startsWith('services/')) ? patterns : undefined);

  if (problems.length > 0) throw new EstateError(uniqueProblems(withoutValuesOfWrongKind(problems)));

  const byEnv = new Map<string, ServiceSpec[]>(environments.map((e) => [e.name, []]));
  for (const ctx of contexts) byEnv.get(ctx.env.name)!.push(ctx.spec);
  for (const list of byEnv.values()) list.sort((a, b) => a.name.localeCompare(b.name));
  return {
    dir,
    name: estate.name,
    owner: estate.owner,
    region: estate.region,
    delivery: estate.delivery,
    alerts: estate.alerts,
    logs: { opensearch: estate.logs?.opensearch ?? false },
    environments,
    services: byEnv,
    runbooks,
    ...(estate.usage ? { usage: estate.usage } : {}),
  };
}

/**
 * The folder given must be an estate: a mistake here is in the command, not in an estate (exit 2),
 * and the message says which folder was meant where it can tell.
 * @throws UsageError when `dir` is missing, a file, or a folder without estate.yaml
 */
function checkEstateFolder(dir: string): void {
  if (!existsSync(dir)) throw new UsageError(`${dir} does not exist; give the estate folder (the one holding ${ESTATE_FILE}), or run 'cityplan init ${dir}' to start one`);
  if (!statSync(dir).isDirectory()) {
    const parent = dirname(resolve(dir));
    const hint = basename(dir) === ESTATE_FILE || existsSync(join(parent, ESTATE_FILE)) ? `; give the folder that holds it: ${relativeOrAbsolute(parent)}` : '';
    throw new UsageError(`${dir} is a file, not an estate folder${hint}`);
  }
  if (existsSync(join(dir, ESTATE_FILE))) return;
  const misnamed = ['estate.yml', 'Estate.yaml', 'estate.YAML', 'estate.json'].find((f) => readdirSync(dir).includes(f));
  if (misnamed) throw new UsageError(`${join(dir, misnamed)}: cityplan reads ${ESTATE_FILE}; rename ${misnamed} to ${ESTATE_FILE}`);
  const estateAbove = findEstateAbove(resolve(dir));
  if (estateAbove) {
    throw new UsageError(`${dir} is inside the estate ${relativeOrAbsolute(estateAbove)}, not an estate of its own; give that folder instead`);
  }
  // A folder of estates (examples/): name those below it.
  const below = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, ESTATE_FILE)))
    .map((e) => e.name)
    .sort()
    .map((name) => relativeOrAbsolute(join(dir, name)));
  // A folder such as /tmp may hold hundreds: name a few and how many more.
  const shown = below.length > NAMED_BELOW ? [...below.slice(0, NAMED_BELOW), `and ${below.length - NAMED_BELOW} more`] : below;
  if (below.length > 0) throw new UsageError(`no ${ESTATE_FILE} in ${dir}; the estate folder${below.length === 1 ? ' below it is' : 's below it are'} ${shown.join(', ')}`);
  // init writes into a folder without services/; with one there, estate.yaml is what is missing.
  const start = existsSync(join(dir, SERVICES_DIR)) ? `write ${ESTATE_FILE} beside services/ (docs/manifest.md lists its fields)` : `run 'cityplan init ${dir}' to start an estate there`;
  throw new UsageError(`no ${ESTATE_FILE} in ${dir}; give the estate folder, or ${start}`);
}

/** Estate folders named when the folder given holds several: enough to recognise the one meant. */
const NAMED_BELOW = 5;

/** The nearest folder above `dir` that holds estate.yaml (a user who gave `<estate>/services`). */
function findEstateAbove(dir: string): string | undefined {
  for (let cur = dirname(dir); cur !== dirname(cur); cur = dirname(cur)) {
    if (existsSync(join(cur, ESTATE_FILE))) return cur;
  }
  return undefined;
}

/** A path as the user would type it from here: relative below the working folder, else absolute. */
function relativeOrAbsolute(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
}

/**
 * A field set on a kind it does not apply to is one mistake: what is wrong with its value does not
 * matter, as the field must go (a web service's `schedule: rate(1 hours)` is not for web services,
 * whatever its grammar).
 */
function withoutValuesOfWrongKind(problems: readonly Problem[]): Problem[] {
  const wrongKind = new Set(problems.filter((p) => p.field && p.message.startsWith(NOT_FOR_THIS_KIND)).map((p) => `${p.file} ${p.field}`));
  if (wrongKind.size === 0) return [...problems];
  const within = (at: string, k: string) => at === k || at.startsWith(`${k}.`) || at.startsWith(`${k}[`);
  // Keep the kind problems themselves; drop every other problem of those fields or inside them.
  const superseded = (p: Problem) => !p.message.startsWith(NOT_FOR_THIS_KIND) && [...wrongKind].some((k) => within(`${p.file} ${p.field}`, k));
  return problems.filter((p) => !p.field || !superseded(p));
}

/**
 * Stand-ins for top-level estate fields that are missing or wrong, so that the service files can
 * still be checked against the environments and the user sees every problem in one run. Each
 * stand-in is chosen to raise no problem of its own; the estate's own problems are already listed.
 */
const PLACEHOLDERS: Partial<Record<keyof EstateFile, unknown>> = {
  name: 'x',
  owner: 'placeholder@example.gov.uk',
  region: 'eu-west-2',
  delivery: { account: '000000000000', connectionArn: 'arn:aws:codeconnections:eu-west-2:000000000000:connection/placeholder' },
  alerts: { email: ['placeholder@example.gov.uk'] },
};

function withPlaceholders(data: unknown): EstateFile | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const patched: Record<string, unknown> = { ...(data as Record<string, unknown>) };
  for (const [key, placeholder] of Object.entries(PLACEHOLDERS)) {
    const field = estateFile.shape[key as keyof EstateFile];
    if (!field.safeParse(patched[key]).success) patched[key] = placeholder;
  }
  const parsed = estateFile.safeParse(patched);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every service file under services/, in subfolders too: teams group their services in folders
 * (services/visits/book-a-prison-visit.yaml). Folders starting with a dot are not read.
 * @returns paths relative to the estate folder, with / separators, sorted
 */
function serviceFiles(dir: string, problems: Problem[]): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true });
    } catch (e) {
      if (!isUserFixable(e)) throw e;
      problems.push({ file: `${rel}/`, message: `cannot be read: ${reasonOf(e)}; service files must be readable` });
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = `${rel}/${entry.name}`;
      // Links to folders are not followed (one could lead back to where it starts); links to files are read.
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) found.push(path);
    }
  };
  const folder = statSync(join(dir, SERVICES_DIR), { throwIfNoEntry: false });
  if (folder?.isDirectory()) walk(SERVICES_DIR);
  else problems.push({ file: `${SERVICES_DIR}/`, message: missingServices(dir, folder !== undefined) });
  return found.sort();
}

/**
 * Without services/, every service the lock knows would be planned as removed: that is never what
 * a missing or misspelt folder means, so it is a problem, with the folder that was probably meant.
 */
function missingServices(dir: string, isFile: boolean): string {
  if (isFile) return 'is a file; it must be the folder of service files (services/<name>.yaml)';
  const folders = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  const near = closest(SERVICES_DIR, folders);
  return `not found in ${dir}: each service is a file in services/ (services/<name>.yaml)${near ? `; rename ${near}/ to services/` : ''}. An estate with no services yet keeps an empty services/ folder (with a .gitkeep, so git keeps it)`;
}

function readServices(dir: string, files: readonly string[], problems: Problem[], cache: ManifestCache | undefined): ParsedService[] {
  const parsed: ParsedService[] = [];
  const byName = new Map<string, string>();
  const check = (source: YamlSource, data: unknown) => checkShape(serviceFile, source, data);
  for (const rel of files) {
    const f = basename(rel);
    const read = cache ? cache.read(join(dir, rel), rel, check) : YamlSource.read(join(dir, rel), rel);
    problems.push(...read.problems);
    if (!read.source) continue;
    const shape = 'shape' in read && read.shape ? read.shape : check(read.source, read.source.data());
    problems.push(...shape.problems);
    if (!shape.value?.name) continue;
    const expected = f.replace(/\.ya?ml$/, '');
    if (shape.value.name !== expected) {
      problems.push(read.source.problem(['name'], `is '${shape.value.name}' but the file is ${f}; a service's file name equals its name`));
      continue;
    }
    const other = byName.get(shape.value.name);
    if (other) {
      problems.push(read.source.problem(['name'], `service '${shape.value.name}' is also defined in ${other}`));
      continue;
    }
    byName.set(shape.value.name, rel);
    parsed.push({ source: read.source, file: shape.value, failed: shape.failed });
  }
  return parsed;
}

function layersFor(
  svc: ParsedService,
  /** The environment whose override is the last layer; undefined for the service file alone. */
  env: string | undefined,
  estate: EstateFile,
  estateSource: YamlSource,
  estateFailed: ReadonlyArray<readonly PropertyKey[]>,
): Layer[] {
  const { environments, name: _name, runsIn: _runsIn, ...own } = svc.file;
  const layers: Layer[] = [builtInLayer];
  const under = (failed: ReadonlyArray<readonly PropertyKey[]>, base: readonly PropertyKey[]) =>
    failed.filter((f) => base.every((seg, i) => f[i] === seg) && f.length > base.length).map((f) => f.slice(base.length));
  const defaultsFailed = under(estateFailed, ['defaults']);
  if (estate.defaults || defaultsFailed.length > 0) {
    layers.push({ kind: 'estate defaults', source: estateSource, base: ['defaults'], data: estate.defaults ?? {}, failed: defaultsFailed });
  }
  const ownFailed = svc.failed.filter((f) => f[0] !== 'environments' && f[0] !== 'name');
  layers.push({ kind: 'service file', source: svc.source, base: [], data: own, failed: ownFailed });
  if (env === undefined) return layers;
  const override = environments?.[env];
  const overrideFailed = under(svc.failed, ['environments', env]);
  if (override || overrideFailed.length > 0) {
    layers.push({ kind: 'environment override', source: svc.source, base: ['environments', env], data: override ?? {}, failed: overrideFailed });
  }
  return layers;
}

function toEnvironment(name: string, e: EstateFile['environments'][string], estate: EstateFile): EnvironmentSpec {
  return {
    name,
    account: e.account,
    region: e.region ?? estate.region,
    domain: e.domain,
    zoneId: e.zoneId,
    zones: e.zones ?? 2,
    capacity: e.capacity ?? 'on-demand',
    egress: e.egress ?? (e.protect ? 'nat' : 'nat-single'),
    approval: e.approval ?? false,
    protect: e.protect ?? false,
    config: { recorder: e.config?.recorder ?? false },
    guardduty: e.guardduty ?? false,
    runbooks: { dryRun: e.runbooks?.dryRun ?? false, maxActionsPerHour: e.runbooks?.maxActionsPerHour ?? DEFAULT_ACTIONS_PER_HOUR },
  };
}

function toService(name: string, file: string, merged: Record<string, unknown>): ServiceSpec {
  const m = merged as Omit<ServiceSpec, 'name' | 'file' | 'deploy'> & {
    source?: Partial<NonNullable<ServiceSpec['source']>>;
    deploy?: Partial<ServiceSpec['deploy']>;
  };
  return {
    ...m,
    name,
    file,
    source: m.source?.repo ? (m.source as ServiceSpec['source']) : undefined,
    hostnames: m.hostnames ?? [],
    env: m.env ?? {},
    secrets: m.secrets ?? [],
    secretsMadeByHand: m.secretsMadeByHand ?? [],
    deploy: { strategy: m.deploy?.strategy ?? 'rolling', bake: m.deploy?.bake ?? 0 },
    calls: m.calls ?? [],
    publish: m.publish ?? [],
    subscribe: m.subscribe ?? [],
    logs: { ...(m.logs?.retention !== undefined ? { retention: m.logs.retention } : {}), alarmOn: m.logs?.alarmOn ?? [] },
    runbooks: m.runbooks ?? {},
    // A worker's subscriptions arrive in its queue: subscribing alone gives it one.
    queue: m.queue ?? (m.kind === 'worker' && m.subscribe?.length ? {} : undefined),
  };
}
