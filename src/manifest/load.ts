/**
 * Reads an estate folder into an EstateSpec, or throws an EstateError listing every problem found
 * (each with file, line, column and field), never only the first.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtInLayer, type Layer, mergeLayers } from './layers';
import { EstateError, type Problem, uniqueProblems } from './problems';
import { environmentRules, SERVICE_RULES, ServiceContext, uniqueHostnames, uniqueStackNames } from './rules';
import { type EstateFile, estateFile, type ServiceFile, serviceFile } from './schema';
import { checkShape } from './shape';
import type { EnvironmentSpec, EstateSpec, ServiceSpec } from './spec';
import { YamlSource } from './yaml-source';

export const ESTATE_FILE = 'estate.yaml';
export const SERVICES_DIR = 'services';

interface ParsedService {
  readonly source: YamlSource;
  readonly file: ServiceFile;
  /** Fields of the file that failed validation (see checkShape). */
  readonly failed: ReadonlyArray<readonly PropertyKey[]>;
}

export function loadEstate(dir: string): EstateSpec {
  const problems: Problem[] = [];
  const estatePath = join(dir, ESTATE_FILE);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EstateError([{ file: dir, message: 'is not an estate folder (no such directory)' }]);
  }
  if (!existsSync(estatePath)) {
    throw new EstateError([{ file: ESTATE_FILE, message: `not found in ${dir}; run 'cityplan init ${dir}' to start an estate` }]);
  }

  const estateRead = YamlSource.read(estatePath, ESTATE_FILE);
  problems.push(...estateRead.problems);
  const estateShape = estateRead.source ? checkShape(estateFile, estateRead.source, estateRead.source.data()) : undefined;
  problems.push(...(estateShape?.problems ?? []));

  const services = readServices(dir, problems);
  const estate = estateShape?.value ?? (estateRead.source && withPlaceholders(estateRead.source.data()));
  if (!estate || !estateRead.source) throw new EstateError(uniqueProblems([...problems]));

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
    for (const env of environments) {
      const layers = layersFor(svc, env.name, estate, estateRead.source, estateShape?.failed ?? []);
      const spec = toService(svc.file.name, svc.source.file, mergeLayers(layers));
      contexts.push(new ServiceContext(spec, env, layers, svc.source, estate.name));
    }
  }
  for (const ctx of contexts) for (const rule of SERVICE_RULES) problems.push(...rule(ctx));
  problems.push(...uniqueHostnames(contexts), ...uniqueStackNames(contexts));

  if (problems.length > 0) throw new EstateError(uniqueProblems(problems));

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
    environments,
    services: byEnv,
  };
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

function readServices(dir: string, problems: Problem[]): ParsedService[] {
  const servicesDir = join(dir, SERVICES_DIR);
  if (!existsSync(servicesDir)) return [];
  const files = readdirSync(servicesDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const parsed: ParsedService[] = [];
  const byName = new Map<string, string>();
  for (const f of files) {
    const rel = relative(dir, join(servicesDir, f)) || f;
    const read = YamlSource.read(join(servicesDir, f), rel);
    problems.push(...read.problems);
    if (!read.source) continue;
    const shape = checkShape(serviceFile, read.source, read.source.data());
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
  env: string,
  estate: EstateFile,
  estateSource: YamlSource,
  estateFailed: ReadonlyArray<readonly PropertyKey[]>,
): Layer[] {
  const { environments, name: _name, ...own } = svc.file;
  const layers: Layer[] = [builtInLayer];
  const under = (failed: ReadonlyArray<readonly PropertyKey[]>, base: readonly PropertyKey[]) =>
    failed.filter((f) => base.every((seg, i) => f[i] === seg) && f.length > base.length).map((f) => f.slice(base.length));
  const defaultsFailed = under(estateFailed, ['defaults']);
  if (estate.defaults || defaultsFailed.length > 0) {
    layers.push({ kind: 'estate defaults', source: estateSource, base: ['defaults'], data: estate.defaults ?? {}, failed: defaultsFailed });
  }
  const ownFailed = svc.failed.filter((f) => f[0] !== 'environments' && f[0] !== 'name');
  layers.push({ kind: 'service file', source: svc.source, base: [], data: own, failed: ownFailed });
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
    approval: e.approval ?? false,
    protect: e.protect ?? false,
  };
}

function toService(name: string, file: string, merged: Record<string, unknown>): ServiceSpec {
  const m = merged as Omit<ServiceSpec, 'name' | 'file'> & { source?: Partial<NonNullable<ServiceSpec['source']>> };
  return {
    ...m,
    name,
    file,
    source: m.source?.repo ? (m.source as ServiceSpec['source']) : undefined,
    hostnames: m.hostnames ?? [],
    env: m.env ?? {},
    secrets: m.secrets ?? [],
  };
}
