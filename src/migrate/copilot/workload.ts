/**
 * One Copilot workload → one cityplan service: its type chooses the kind and the mapper, each
 * `environments.<env>` block becomes that environment's override, and the task size is checked
 * against Fargate's table once the layers are merged.
 */
import { isReservedServiceName } from '../../naming/names';
import type { Problem } from '../../manifest/problems';
import { mapAddons } from './addons';
import { mapBackendLayer } from './backend';
import { type RepoGuess, readSecrets, type SecretSource } from './common';
import { cityplanName, nearestFargateSize } from './convert';
import { emptyLayer, isMap, type LayerDraft, type MapContext, Raw } from './draft';
import { mapJobLayer } from './job';
import type { CopilotWorkload } from './read';
import { Findings, type Unmapped } from './report';
import { mapRequestDrivenLayer } from './request-driven';
import { mapWebLayer } from './web';
import { wellFormed } from './shapes';
import { mapWorkerLayer, type PendingSubscription } from './worker';
import { isValidFargateSize } from '../../manifest/fargate';

type Kind = 'web' | 'backend' | 'worker' | 'job';

/** What a layer mapper is given. */
export interface LayerInput {
  readonly ctx: MapContext;
  readonly kind: Kind;
  readonly repo: RepoGuess;
  /** Variables moved to secrets because they held credentials (filled by the mapper). */
  readonly movedToSecrets: Set<string>;
  /** Subscriptions found (filled by the worker mapper). */
  readonly subscriptions: PendingSubscription[];
}

interface WorkloadType {
  /** The cityplan kind for this manifest. */
  readonly kind: (data: Record<string, unknown>) => Kind;
  readonly map: (raw: Raw, out: LayerDraft, input: LayerInput) => void;
  /** Copilot's default task size for the type ("cpu" and "memory" in its manifest reference). */
  readonly size: { cpu: number; memory: number };
}

/** Copilot's workload types ("type" in its manifest reference), but Static Site, which has no cityplan form. */
const TYPES: Readonly<Record<string, WorkloadType>> = {
  'Load Balanced Web Service': { kind: (d) => (d.http === false ? 'backend' : 'web'), map: mapWebLayer, size: { cpu: 256, memory: 512 } },
  'Backend Service': { kind: () => 'backend', map: mapBackendLayer, size: { cpu: 256, memory: 512 } },
  'Worker Service': { kind: () => 'worker', map: mapWorkerLayer, size: { cpu: 256, memory: 512 } },
  'Scheduled Job': { kind: () => 'job', map: mapJobLayer, size: { cpu: 256, memory: 512 } },
  'Request-Driven Web Service': {
    kind: (d) => (isMap(d.http) && d.http.private !== undefined && d.http.private !== false ? 'backend' : 'web'),
    map: mapRequestDrivenLayer,
    size: { cpu: 1024, memory: 2048 },
  },
};
const STATIC_SITE = 'Static Site';
export const WORKLOAD_TYPES = [...Object.keys(TYPES), STATIC_SITE];

/** A service as imported, before the estate is assembled. */
export interface ServiceDraft {
  readonly copilotName: string;
  readonly name: string;
  readonly kind: Kind;
  readonly file: string;
  readonly base: LayerDraft;
  /** Overrides by cityplan environment name. */
  readonly environments: Map<string, LayerDraft>;
  /** Secrets by cityplan environment name: variable name → where Copilot read it (undefined: it was a variable in the manifest). */
  readonly secrets: Map<string, Map<string, SecretSource | undefined>>;
  readonly subscriptions: readonly PendingSubscription[];
  /** A problem at the manifest's `name` line (or the file, when it has no name). */
  readonly nameProblem: (message: string) => Problem;
}

export interface WorkloadContext {
  /** Copilot environment name → cityplan environment name, for every environment of the estate. */
  readonly environments: ReadonlyMap<string, string>;
  readonly repo: RepoGuess;
  readonly unmapped: Unmapped[];
}

/**
 * Maps one workload; undefined for a Static Site (reported) or a workload in error (`problems`).
 * Problems: an unknown `type`, or a name that makes no cityplan service name.
 */
export function mapWorkload(workload: CopilotWorkload, context: WorkloadContext, problems: Problem[]): ServiceDraft | undefined {
  const { manifest } = workload;
  const findings = new Findings(manifest.file, context.unmapped);
  const data = manifest.data;
  const typeName = data.type;
  if (typeName === STATIC_SITE) {
    findings.add('type', 'a Static Site (S3 and CloudFront) has no cityplan form; cityplan runs containers', 'keep the site on its current S3 bucket and CloudFront distribution (they outlive Copilot), or serve the files from a small web service');
    return undefined;
  }
  const type = typeof typeName === 'string' ? TYPES[typeName] : undefined;
  if (!type) {
    const given = typeName === undefined ? 'is missing' : typeof typeName === 'string' ? `'${typeName}' is not a Copilot workload type` : `must be one type written as text, not ${JSON.stringify(typeName)}`;
    problems.push(manifest.source.problem(['type'], `${given}; known types: ${WORKLOAD_TYPES.join(', ')}`));
    return undefined;
  }
  const copilotName = typeof data.name === 'string' ? data.name : workload.folder;
  let name = cityplanName(copilotName, 28);
  if (name && isReservedServiceName(name)) name = cityplanName(`${name}-service`, 28);
  if (!name) {
    problems.push(manifest.source.problem(['name'], `'${copilotName}' makes no cityplan service name (a letter first, then lower-case letters, digits and hyphens)`));
    return undefined;
  }
  if (name !== copilotName) findings.add('name', `'${copilotName}' is named '${name}' in cityplan (lower-case letters, digits and hyphens, at most 28, not a platform name)`, 'use the new name wherever the old one was configured (DNS, callers)');
  const kind = type.kind(data);
  if (typeName === 'Request-Driven Web Service') {
    findings.add('type', `ran on AWS App Runner; imported as a Fargate ${kind} service behind the environment's load balancer, its nearest cityplan form`, 'check its count and size in staging: App Runner scaled on concurrent requests');
  }
  const repo = context.repo;
  const movedToSecrets = new Set<string>();
  const subscriptions: PendingSubscription[] = [];
  const layer = (raw: Raw, f: Findings, override: boolean): LayerDraft => {
    const out = emptyLayer();
    type.map(raw, out, { ctx: { findings: f, override }, kind, repo, movedToSecrets, subscriptions: override ? [] : subscriptions });
    return out;
  };

  const checked = wellFormed(data, findings);
  const { name: _n, type: _t, environments: overrides, secrets: _s, ...rest } = checked;
  const base = layer(new Raw(rest), findings, false);
  const baseSecrets = readSecrets(new Raw({ secrets: checked.secrets }), { findings, override: false });
  Object.assign(base.fields, mapAddons(workload.addons, (file) => new Findings(file, context.unmapped)));
  if (workload.overrides) {
    new Findings(workload.overrides, context.unmapped).add('', 'YAML patches or a CDK application applied to the CloudFormation template Copilot generated; cityplan generates its own', 'express each change as a cityplan field if one exists (docs/manifest.md), otherwise raise it with the platform team');
  }

  const environments = new Map<string, LayerDraft>();
  const secrets = new Map<string, Map<string, SecretSource | undefined>>();
  const rawOverrides = isMap(overrides) ? overrides : {};
  for (const [copilotEnv, env] of context.environments) {
    const given = rawOverrides[copilotEnv];
    const over = isMap(given) ? wellFormed(given, findings.under(`environments.${copilotEnv}`)) : given;
    if (given !== undefined && !isMap(given)) findings.add(`environments.${copilotEnv}`, 'is not a map of overrides', 'write the overrides as a map of fields');
    const envSecrets = new Map<string, SecretSource | undefined>(baseSecrets);
    if (isMap(over)) {
      const f = findings.under(`environments.${copilotEnv}`);
      const { secrets: overSecrets, ...overRest } = over;
      environments.set(env, layer(new Raw(overRest), f, true));
      for (const [k, v] of readSecrets(new Raw({ secrets: overSecrets }), { findings: f, override: true })) envSecrets.set(k, v);
    }
    for (const moved of movedToSecrets) if (!envSecrets.has(moved)) envSecrets.set(moved, undefined);
    secrets.set(env, envSecrets);
  }
  for (const [copilotEnv, env] of context.environments) {
    const layer = environments.get(env);
    const swapped = layer && ((layer.fields.image !== undefined && base.fields.source !== undefined) || (layer.fields.source !== undefined && base.fields.image !== undefined));
    if (!swapped) continue;
    // cityplan takes source or image for the whole service: one environment cannot switch.
    delete layer.fields.image;
    delete layer.fields.source;
    findings.add(`environments.${copilotEnv}.image`, 'switches between building the image and a prebuilt image in one environment; a cityplan service is built one way in every environment', 'deploy the same image in every environment (promote it), or make this environment\'s variant a service of its own');
  }
  fixSizes(type.size, checked, rawOverrides, context.environments, base, environments, findings);
  keepCopilotDefaults(kind, checked, base, findings);
  const nameProblem = (message: string) => manifest.source.problem(typeof data.name === 'string' ? ['name'] : [], message);
  return { copilotName, name, kind, file: manifest.file, base, environments, secrets, subscriptions, nameProblem };
}

/**
 * Where Copilot's default differs from cityplan's, the service keeps Copilot's, so that it behaves
 * as it did: a load balancer checks `/` unless told otherwise ("http.healthcheck", default "/"); a
 * backend without a health check has none (`health: none`, as cityplan's container check would
 * otherwise fetch /health). A service without `count` ran one task (Copilot's default): cityplan's
 * default of 2 to 4 is kept, for the second zone, and reported.
 */
function keepCopilotDefaults(kind: Kind, data: Record<string, unknown>, base: LayerDraft, findings: Findings): void {
  if (base.fields.health === undefined && (kind === 'web' || kind === 'backend')) {
    const checkedByLoadBalancer = kind === 'web' || isMap(data.http);
    base.fields.health = checkedByLoadBalancer ? '/' : 'none';
  }
  if (data.count === undefined && kind !== 'job') {
    findings.add('count', 'not set: Copilot ran 1 task; cityplan runs its default of 2 to 4, one in each zone at least', 'set count.min and count.max if 2 to 4 does not suit the service');
  }
}

/**
 * Fargate sizes checked after the layers are merged, as cityplan checks them: the manifest's own
 * size (or Copilot's default for the type) and each environment's; an invalid pair becomes the
 * nearest valid one (nearestFargateSize), reported.
 */
function fixSizes(
  defaults: { cpu: number; memory: number },
  data: Record<string, unknown>,
  overrides: Record<string, unknown>,
  environments: ReadonlyMap<string, string>,
  base: LayerDraft,
  envLayers: Map<string, LayerDraft>,
  findings: Findings,
): void {
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  const baseCpu = num(data.cpu, defaults.cpu);
  const baseMemory = num(data.memory, defaults.memory);
  const fixed = (cpu: number, memory: number, f: Findings) => {
    if (isValidFargateSize(cpu, memory)) return { cpu, memory };
    const near = nearestFargateSize(cpu, memory);
    f.add('memory', `cpu ${cpu} with memory ${memory} MiB is not a Fargate size cityplan accepts; set to the nearest that gives at least as much: cpu ${near.cpu}, memory ${near.memory}`, 'check the service runs well at the new size (and its cost)');
    return near;
  };
  const b = fixed(baseCpu, baseMemory, findings);
  const defaultSize = b.cpu === 256 && b.memory === 512;
  if (data.cpu !== undefined || data.memory !== undefined || !defaultSize) {
    base.fields.cpu = b.cpu;
    base.fields.memory = b.memory;
  }
  for (const [copilotEnv, env] of environments) {
    const over = overrides[copilotEnv];
    if (!isMap(over) || (over.cpu === undefined && over.memory === undefined)) continue;
    const e = fixed(num(over.cpu, baseCpu), num(over.memory, baseMemory), findings.under(`environments.${copilotEnv}`));
    const layer = envLayers.get(env)!;
    layer.fields.cpu = e.cpu;
    layer.fields.memory = e.memory;
  }
}
