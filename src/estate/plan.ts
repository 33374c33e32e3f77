/**
 * `cityplan plan`: validate, allocate, synthesize, run policy and quota checks. Nothing is written
 * (neither the assembly nor the lock) unless every check passes.
 */
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { loadEstate } from '../manifest/load';
import { EstateError, type Problem } from '../manifest/problems';
import { type EstateSpec, serviceUrls } from '../manifest/spec';
import { acknowledgements, checkPolicy, type Finding } from '../policy/packs';
import type { ShardUsage } from './allocate';
import { allocateEstate } from './allocation';
import { compileEstate, type StackRole } from './compile';
import { LOCK_FILE, readLock, serializeLock } from './lock';
import { checkEstateQuotas, checkStackQuotas, describeBreach, type StackSize } from './quotas';
import { stackName } from './naming';

export interface PlanOptions {
  readonly environment?: string;
  readonly service?: string;
  /** Cloud assembly directory; default cdk.out. */
  readonly out?: string;
}

export interface PlannedService {
  readonly name: string;
  readonly kind: string;
  readonly shard?: number;
  readonly priority?: number;
  readonly urls: string[];
  readonly stack?: string;
  readonly resources?: number;
  /** Why a service has no stack in this plan. */
  readonly note?: string;
}

export interface PlanResult {
  readonly estate: string;
  readonly environments: Array<{
    readonly name: string;
    readonly account: string;
    readonly region: string;
    readonly domain: string;
    /** The foundation creates the zone: its name servers must be delegated after the first deploy. */
    readonly createsZone: boolean;
    readonly shards: ShardUsage[];
    readonly services: PlannedService[];
  }>;
  readonly stacks: Array<StackSize & { readonly environment: string; readonly service?: string }>;
  readonly findings: { readonly unacknowledged: number; readonly acknowledged: number };
  readonly assembly: string;
  readonly lock: { readonly path: string; readonly changed: boolean };
}

/** Usage errors (exit 2), as opposed to a wrong estate (exit 1). */
export class UsageError extends Error {}

export function planEstate(dir: string, options: PlanOptions = {}): PlanResult {
  const spec = loadEstate(dir);
  checkSelection(spec, options);
  const previous = readLock(dir);
  const { lock, environments: allocation } = allocateEstate(spec, previous);

  const problems: Problem[] = checkEstateQuotas(spec, allocation).map((b) => ({ file: 'estate.yaml', message: describeBreach(b) }));
  if (problems.length > 0) throw new EstateError(problems);

  const out = resolve(options.out ?? 'cdk.out');
  const staging = `${out}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  try {
    const { app, stacks } = compileEstate(spec, allocation, { outdir: staging, environment: options.environment, service: options.service });
    const assembly = synthesize(app);
    const findings = checkPolicy(app);
    const sizes = stackSizes(assembly, stacks);
    problems.push(...findings.map((f) => findingProblem(f, stacks, spec)));
    problems.push(
      ...checkStackQuotas(sizes).map((b) => ({ file: fileOfStack(b.where.replace(/^stack /, ''), stacks, spec), message: describeBreach(b) })),
    );
    if (problems.length > 0) throw new EstateError(problems);

    rmSync(out, { recursive: true, force: true });
    renameSync(staging, out);
    const lockPath = join(dir, LOCK_FILE);
    const lockText = serializeLock(lock);
    const changed = !existsSync(lockPath) || serializeLock(previous) !== lockText;
    if (changed) writeAtomically(lockPath, lockText);

    return {
      estate: spec.name,
      environments: summarizeEnvironments(spec, allocation, sizes, options),
      stacks: sizes,
      findings: { unacknowledged: 0, acknowledged: acknowledgements(app).length },
      assembly: out,
      lock: { path: lockPath, changed },
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function checkSelection(spec: EstateSpec, options: PlanOptions): void {
  if (options.environment && !spec.environments.some((e) => e.name === options.environment)) {
    throw new UsageError(`no environment '${options.environment}' in ${spec.name} (${spec.environments.map((e) => e.name).join(', ')})`);
  }
  if (options.service) {
    const all = new Set([...spec.services.values()].flat().map((s) => s.name));
    if (!all.has(options.service)) throw new UsageError(`no service '${options.service}' in ${spec.name}`);
  }
}

function synthesize(app: ReturnType<typeof compileEstate>['app']): CloudAssembly {
  try {
    return app.synth();
  } catch (e) {
    // A construct refused the configuration: report it as a problem with the estate, not a crash.
    throw new EstateError([{ file: 'estate.yaml', message: `could not build the estate: ${(e as Error).message}` }]);
  }
}

function stackSizes(assembly: CloudAssembly, roles: readonly StackRole[]): PlanResult['stacks'] {
  const roleOf = new Map(roles.map((r) => [r.stack.stackName, r]));
  return assembly.stacks.map((s) => {
    const template = s.template as { Resources?: object; Parameters?: object; Outputs?: object };
    const role = roleOf.get(s.stackName);
    return {
      name: s.stackName,
      environment: role?.environment ?? '',
      service: role?.service,
      resources: Object.keys(template.Resources ?? {}).length,
      parameters: Object.keys(template.Parameters ?? {}).length,
      outputs: Object.keys(template.Outputs ?? {}).length,
      bytes: statSync(join(assembly.directory, s.templateFile)).size,
    };
  });
}

function fileOfStack(stack: string, roles: readonly StackRole[], spec: EstateSpec): string {
  const role = roles.find((r) => r.stack.stackName === stack);
  const service = role?.service && spec.services.get(role.environment)?.find((s) => s.name === role.service);
  return service ? service.file : 'estate.yaml';
}

function findingProblem(f: Finding, roles: readonly StackRole[], spec: EstateSpec): Problem {
  const stack = f.path.split('/')[0] ?? '';
  return { file: fileOfStack(stack, roles, spec), field: f.path, message: `${f.rule}: ${f.description}` };
}

function summarizeEnvironments(
  spec: EstateSpec,
  allocation: ReturnType<typeof allocateEstate>['environments'],
  sizes: PlanResult['stacks'],
  options: PlanOptions,
): PlanResult['environments'] {
  const sizeOf = new Map(sizes.map((s) => [s.name, s]));
  return spec.environments
    .filter((env) => !options.environment || env.name === options.environment)
    .map((env) => {
      const placed = allocation.get(env.name)!;
      const services = (spec.services.get(env.name) ?? [])
        .filter((s) => !options.service || s.name === options.service)
        .map((s): PlannedService => {
          const placement = placed.placements[s.name];
          const stack = stackName.service(spec.name, env.name, s.name);
          const size = sizeOf.get(stack);
          return {
            name: s.name,
            kind: s.kind,
            shard: placement?.shard,
            priority: placement?.priority,
            urls: serviceUrls(s, env),
            ...(size ? { stack, resources: size.resources } : { note: `${s.kind} services are accepted but not yet built` }),
          };
        });
      return {
        name: env.name,
        account: env.account,
        region: env.region,
        domain: env.domain,
        createsZone: !env.zoneId,
        shards: [...placed.shards],
        services,
      };
    });
}

/** Write to a sibling file and rename, so a reader never sees half a lock. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
