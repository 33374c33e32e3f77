/**
 * Fields every Copilot workload type shares, mapped to cityplan's service fields: image, task
 * size, count and autoscaling, variables, secrets, command and entrypoint, platform, deployment,
 * publish, and the fields with no cityplan form (reported with what to do).
 */
import { imageProblem } from '../../manifest/image';
import { credentialIn } from '../../manifest/credentials';
import { cityplanName, seconds, shellWords } from './convert';
import { isMap, type LayerDraft, type MapContext, type Raw } from './draft';

/**
 * Fields Copilot has and cityplan does not, with why and what to do: reported whenever a manifest
 * (or an environment override) sets them.
 */
export const NO_CITYPLAN_FORM: Readonly<Record<string, { why: string; todo: string }>> = {
  sidecars: {
    why: 'cityplan tasks run one container: the service image',
    todo: 'fold what the sidecar did into the image, or rely on what the platform gives every task (log shipping, TLS at the load balancer); raise it with the platform team if neither fits',
  },
  storage: {
    why: 'cityplan tasks have Fargate\'s default 20 GiB of ephemeral storage and no EFS volumes',
    todo: 'keep shared files in the service\'s bucket (bucket: {}) or its database instead of a mounted file system',
  },
  taskdef_overrides: {
    why: 'these patched the task definition Copilot generated; cityplan generates its own',
    todo: 'express each override as a cityplan field if one exists (see docs/manifest.md), otherwise raise it with the platform team',
  },
  logging: {
    why: 'cityplan sends every container\'s output to the service\'s own log group; FireLens routing is not offered',
    todo: 'remove the FireLens configuration; read logs in CloudWatch Logs (the platform also ships them onwards)',
  },
  observability: {
    why: 'cityplan runs no X-Ray or OpenTelemetry sidecar',
    todo: 'instrument the application to send traces itself, or drop tracing',
  },
  network: {
    why: 'cityplan places every task in the private subnets of its environment network, with a security group per service; service-to-service access is declared with calls',
    todo: 'list the backends this service calls under calls:, and drop placement and security group settings',
  },
  exec: {
    why: 'cityplan does not turn on ECS Exec (a shell into a running task)',
    todo: 'diagnose with the service\'s logs and runbooks; run one-off commands as a job',
  },
  env_file: {
    why: 'cityplan takes variables from the manifest (env) and Secrets Manager (secrets), not from a file in S3',
    todo: 'copy the file\'s plain settings into env: and its credentials into secrets:',
  },
  nlb: {
    why: 'cityplan serves web services over HTTPS through its shared Application Load Balancer; it has no Network Load Balancer form',
    todo: 'serve the traffic over HTTP(S) through cityplan, or keep this service on its current platform until cityplan has a TCP form',
  },
  tags: {
    why: 'cityplan tags every resource with the estate, environment, service and owner itself',
    todo: 'put the owner in owner:; ask the platform team for any other tag your organisation needs',
  },
  build: {
    why: 'not a field Copilot documents for workloads',
    todo: 'check what it was meant to do',
  },
};

/**
 * `image.build` → `source` (the Dockerfile path; the repository from the pipeline manifest),
 * `image.location` → `image`; `image.port` → `port` where the kind has one. What cityplan's
 * pipeline cannot reproduce (build context, target, args, cache, private registry credentials,
 * labels, container dependencies) is reported.
 */
export function mapImage(raw: Raw, out: LayerDraft, ctx: MapContext & { withPort: boolean; repo: RepoGuess }): void {
  const image = raw.take('image');
  if (image === undefined || image === null) return;
  const f = ctx.findings;
  if (!isMap(image)) {
    f.add('image', 'must be a map of build or location', 'write the image as image.build or image.location and import again');
    return;
  }
  const { build, location, port, healthcheck: _healthcheck, ...others } = image;
  if (typeof location === 'string') {
    const problem = imageProblem(location);
    if (problem) {
      out.fields.image = location;
      out.todos.set('image', `cityplan: ${problem}`);
      f.add('image.location', `cityplan cannot use this reference: ${problem}`, 'give a full image reference with a tag or digest');
    } else out.fields.image = location;
  } else if (build !== undefined) {
    const { dockerfile, context, extra } = readBuild(build);
    if (!ctx.override) {
      out.fields.source = {
        repo: ctx.repo.repo,
        ...(ctx.repo.branch ? { branch: ctx.repo.branch } : {}),
        dockerfile,
      };
      if (ctx.repo.todo) out.todos.set('source.repo', ctx.repo.todo);
    } else {
      out.fields.source = { dockerfile };
    }
    // Copilot builds from the Dockerfile's folder (a string) or `context`; a folder other than the
    // repository root changes what COPY finds.
    if (context !== '.' && context !== '') {
      f.add('image.build', `the image was built with ${context} as the build context; cityplan's pipeline builds ${dockerfile} from the repository root`, `check the Dockerfile's COPY and ADD paths work from the repository root, or move the Dockerfile so that they do`);
    }
    for (const key of extra) f.add(`image.build.${key}`, `cityplan's pipeline does not pass docker build ${key}`, 'bake it into the Dockerfile (ARG defaults, a single final stage)');
  }
  if (port !== undefined) {
    if (ctx.withPort && typeof port === 'number') out.fields.port = port;
    else if (!ctx.withPort) f.add('image.port', 'this kind of cityplan service takes no traffic on a port', 'nothing, unless another service called it on this port: then import it as a backend');
    else f.add('image.port', `${JSON.stringify(port)} is not a port number`, 'set port: to the port the container listens on');
  }
  for (const key of Object.keys(others)) {
    const why: Record<string, string> = {
      credentials: 'cityplan pulls images with the task execution role only (ECR or public registries), not with registry credentials',
      labels: 'cityplan sets no Docker labels on the container',
      depends_on: 'cityplan tasks run one container, so there is nothing to depend on',
      context: 'Copilot reads the build context under image.build',
    };
    f.add(`image.${key}`, why[key] ?? 'not a field cityplan reads', key === 'credentials' ? 'push the image to ECR (the delivery account) or a public registry and use that reference' : 'remove it');
  }
}

/** The Dockerfile, build context and any other build settings of `image.build` (a path, or a map). */
function readBuild(build: unknown): { dockerfile: string; context: string; extra: string[] } {
  const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '.');
  const clean = (p: string) => p.replace(/^\.\//, '');
  if (typeof build === 'string') return { dockerfile: clean(build), context: clean(dirOf(build)) || '.', extra: [] };
  if (!isMap(build)) return { dockerfile: 'Dockerfile', context: '.', extra: [] };
  const context = typeof build.context === 'string' ? clean(build.context).replace(/\/$/, '') || '.' : undefined;
  const dockerfile =
    typeof build.dockerfile === 'string' ? clean(build.dockerfile) : context && context !== '.' ? `${context}/Dockerfile` : 'Dockerfile';
  const extra = Object.keys(build).filter((k) => k !== 'dockerfile' && k !== 'context');
  return { dockerfile, context: context ?? (clean(dirOf(dockerfile)) || '.'), extra };
}

/** The repository services are built from: from the pipeline manifest, or a placeholder. */
export interface RepoGuess {
  readonly repo: string;
  readonly branch?: string;
  /** The note on a placeholder. */
  readonly todo?: string;
}

/** `cpu`, `memory` as given; the Fargate check happens once layers are merged (see sizes.ts). */
export function mapSize(raw: Raw, out: LayerDraft): void {
  for (const key of ['cpu', 'memory'] as const) {
    const v = raw.take(key);
    if (typeof v === 'number') out.fields[key] = v;
  }
}

/**
 * `count` → `count` and `scale`. A number n is min = max = n; `range` is `n-m` or `{min, max,
 * spot_from}`; `cpu_percentage` (a number or `{value}`) → scale.cpu; `requests` (requests per task
 * per minute, the ALBRequestCountPerTarget target) → scale.requestsPerTarget. Spot, memory and
 * response-time targets, cooldowns and queue_delay are reported.
 */
export function mapCount(raw: Raw, out: LayerDraft, ctx: MapContext & { web: boolean; job: boolean; appRunner?: boolean }): void {
  const count = raw.take('count');
  if (count === undefined || count === null) return;
  const f = ctx.findings;
  if (ctx.job) {
    f.add('count', 'a job runs one task per run', 'remove it');
    return;
  }
  if (typeof count === 'number') {
    setCount(out, count, count, f);
    return;
  }
  if (typeof count === 'string') {
    // Request-Driven Web Service: an App Runner auto scaling configuration, such as high-availability/3.
    if (ctx.appRunner) f.add('count', `'${count}' names an App Runner auto scaling configuration`, 'set count.min and count.max for the Fargate service instead (defaults 2 and 4)');
    else f.add('count', `'${count}' is not a count Copilot takes here: a number, a range such as 1-10, or a map with range`, 'set count.min and count.max (defaults 2 and 4)');
    return;
  }
  if (!isMap(count)) return;
  const { range, spot, cpu_percentage, memory_percentage, requests, response_time, cooldown, queue_delay, ...others } = count;
  if (typeof range === 'string') {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(range);
    if (m) setCount(out, Number(m[1]), Number(m[2]), f);
    else f.add('count.range', `'${range}' is not a range such as 1-10`, 'set count.min and count.max');
  } else if (isMap(range)) {
    if (typeof range.min === 'number' && typeof range.max === 'number') setCount(out, range.min, range.max, f);
    if (range.spot_from !== undefined) {
      f.add('count.range.spot_from', 'cityplan chooses Fargate Spot per environment, not per service', 'set capacity: spot on an environment in estate.yaml if all its services may run on Spot');
    }
  } else if (typeof spot === 'number') {
    setCount(out, spot, spot, f);
  }
  if (spot !== undefined) f.add('count.spot', 'cityplan chooses Fargate Spot per environment (capacity: spot in estate.yaml), not per service; the count is kept', 'set capacity: spot on the environment if every service there may run on Spot');
  const target = (v: unknown) => (typeof v === 'number' ? v : isMap(v) && typeof v.value === 'number' ? v.value : undefined);
  const cpu = target(cpu_percentage);
  if (cpu !== undefined) {
    const clamped = Math.min(90, Math.max(10, Math.round(cpu)));
    (out.fields.scale ??= {}) as Record<string, unknown>;
    (out.fields.scale as Record<string, unknown>).cpu = clamped;
    if (clamped !== cpu) f.add('count.cpu_percentage', `${cpu}% is outside cityplan's 10-90% target range; set to ${clamped}%`, 'check the new target suits the service');
  }
  const perTask = target(requests);
  if (perTask !== undefined) {
    if (ctx.web) {
      (out.fields.scale ??= {}) as Record<string, unknown>;
      (out.fields.scale as Record<string, unknown>).requestsPerTarget = Math.max(1, Math.round(perTask));
    } else f.add('count.requests', 'only web services scale on requests in cityplan', 'rely on the CPU target (scale.cpu)');
  }
  if (memory_percentage !== undefined) f.add('count.memory_percentage', 'cityplan scales on CPU (and requests, for web services), not memory', 'size memory so that CPU is the limit, or raise it with the platform team');
  if (response_time !== undefined) f.add('count.response_time', 'cityplan does not scale on response time', `rely on scale.requestsPerTarget, and set alarms.latencyP99 to be told when responses slow`);
  if (cooldown !== undefined || [cpu_percentage, memory_percentage, requests, response_time].some((v) => isMap(v) && v.cooldown !== undefined)) {
    f.add('count.cooldown', 'cityplan uses its own scale-in and scale-out cooldowns', 'nothing, unless the service needs slower scaling: raise it with the platform team');
  }
  if (queue_delay !== undefined) f.add('count.queue_delay', 'cityplan scales a worker on its queue backlog with its own target', 'nothing; check the worker keeps up in staging');
  for (const key of Object.keys(others)) f.add(`count.${key}`, 'not a count field cityplan knows', 'remove it');
}

function setCount(out: LayerDraft, min: number, max: number, f: MapContext['findings']): void {
  if (max < 1) {
    out.fields.count = { min: 0, max: 1 };
    f.add('count', 'Copilot ran no tasks (count 0); cityplan needs a maximum of at least 1', 'keep count.min: 0 to run none until traffic moves');
    return;
  }
  if (min > max) {
    // Written as it was, validation would refuse it (count.min more than count.max).
    out.fields.count = { min: max, max: min };
    f.add('count.range', `${min}-${max} runs from more tasks to fewer; imported as ${max}-${min}`, 'check the range is the one meant');
    return;
  }
  out.fields.count = { min, max };
}

/**
 * `variables` → `env`: strings as they are, numbers and booleans as text. A variable whose name or
 * value looks like a credential is moved to `secrets` (a manifest is no place for one: cityplan
 * refuses it in env), and one read from a CloudFormation export (`from_cfn`) is reported.
 */
export function mapVariables(raw: Raw, out: LayerDraft, ctx: MapContext & { movedToSecrets: Set<string> }): void {
  const variables = raw.take('variables');
  if (!isMap(variables)) return;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    if (isMap(value) && 'from_cfn' in value) {
      ctx.findings.add(`variables.${key}`, 'read from a CloudFormation export (from_cfn), which cityplan stacks do not use', 'set the value itself, or read it at run time from SSM Parameter Store');
      continue;
    }
    if (isMap(value) || Array.isArray(value)) {
      ctx.findings.add(`variables.${key}`, 'a variable\'s value is text; this is a map or a list, which Copilot does not take either', 'write the value as text (such as JSON in quotes) under env:');
      continue;
    }
    const text = value === null || value === undefined ? '' : String(value);
    const what = credentialIn(key, text);
    if (what) {
      // A secret's name is an upper-case variable name (cityplan's secrets field).
      const name = key.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^[^A-Z]+/, '') || 'SECRET';
      ctx.movedToSecrets.add(name);
      const rename = name === key ? '' : `rename the variable to ${name} in the application, then `;
      ctx.findings.add(`variables.${key}`, `${what}, written into the manifest in plain text; moved to secrets as ${name}`, `${rename}put its value into the secret ${name} (see "Secrets" in IMPORT.md), then remove it from the Copilot manifest and rotate it: it has been in plain text`);
      continue;
    }
    env[key] = text;
  }
  if (Object.keys(env).length > 0) out.fields.env = env;
}

/** Where a Copilot secret's value lives. */
export interface SecretSource {
  readonly store: 'ssm' | 'secretsmanager';
  /** Parameter or secret name (or ARN) as the manifest gives it, `${COPILOT_*}` placeholders and all. */
  readonly name: string;
}

/**
 * `secrets` as name → where Copilot read it: an SSM parameter name or ARN (a string), or
 * `{secretsmanager: name}`. cityplan's `secrets` are upper-case names; others, and `from_cfn`, are reported.
 */
export function readSecrets(raw: Raw, ctx: MapContext): Map<string, SecretSource> {
  const secrets = raw.take('secrets');
  const found = new Map<string, SecretSource>();
  if (!isMap(secrets)) return found;
  for (const [key, value] of Object.entries(secrets)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(key)) {
      ctx.findings.add(`secrets.${key}`, 'cityplan secret names are upper-case variable names (A-Z, 0-9, _)', `rename the variable in the application, such as ${key.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}, and list it under secrets:`);
      continue;
    }
    if (typeof value === 'string') found.set(key, { store: 'ssm', name: value });
    else if (isMap(value) && typeof value.secretsmanager === 'string') {
      found.set(key, { store: 'secretsmanager', name: value.secretsmanager });
      if (/:[^:]*::/.test(value.secretsmanager.replace(/^arn:[^:]*:secretsmanager:[^:]*:\d+:secret:/, ''))) {
        ctx.findings.add(`secrets.${key}`, 'read one JSON key of a Secrets Manager secret; cityplan injects a whole secret as the variable', 'copy just that key\'s value: the command in IMPORT.md reads the secret and picks the key with jq (install jq first)');
      }
    } else ctx.findings.add(`secrets.${key}`, 'read from a CloudFormation export (from_cfn), which cityplan stacks do not use', 'put the value in the secret of the same name after the first deploy');
  }
  return found;
}

/**
 * `command` and `entrypoint` → `command`. cityplan overrides the image's command only: an
 * entrypoint is put in front of the command, which is what ran when the image has no ENTRYPOINT
 * of its own (reported, for the team to check).
 */
export function mapCommand(raw: Raw, out: LayerDraft, ctx: MapContext): void {
  const words = (v: unknown) => (typeof v === 'string' ? shellWords(v) : Array.isArray(v) ? v.map(String) : undefined);
  const command = words(raw.take('command'));
  const entrypoint = words(raw.take('entrypoint'));
  if (entrypoint) {
    ctx.findings.add('entrypoint', `cityplan overrides the image's command, not its entrypoint: the entrypoint is put first in command`, 'if the image has an ENTRYPOINT, change it (or the command) so that the two do not both run');
  }
  const all = [...(entrypoint ?? []), ...(command ?? [])].filter((w) => w !== '');
  if (all.length > 0) out.fields.command = all;
}

/** `platform`: cityplan runs Linux x86-64 tasks only; anything else is reported. */
export function mapPlatform(raw: Raw, ctx: MapContext): void {
  const platform = raw.take('platform');
  if (platform === undefined) return;
  const text = typeof platform === 'string' ? platform : isMap(platform) ? `${String(platform.osfamily)}/${String(platform.architecture)}` : String(platform);
  if (/^linux\/(x86_64|amd64)$/i.test(text)) return;
  ctx.findings.add('platform', `cityplan runs Linux x86-64 (amd64) tasks only; this service ran on ${text}`, 'build the image for linux/amd64 (docker build --platform linux/amd64) and test it in staging');
}

/**
 * `deployment`: cityplan always rolls a deployment back on its own alarms (the ECS circuit breaker
 * and the service's error-rate alarm), so rollback alarms are approximated and the rest reported.
 */
export function mapDeployment(raw: Raw, ctx: MapContext): void {
  const deployment = raw.take('deployment');
  if (!isMap(deployment)) return;
  const { rollback_alarms, rolling, ...others } = deployment;
  if (Array.isArray(rollback_alarms)) {
    ctx.findings.add('deployment.rollback_alarms', `rolled back on existing alarms (${rollback_alarms.join(', ')}); cityplan rolls back on the ECS circuit breaker and its own error-rate alarm`, 'check those alarms watched nothing beyond failed tasks and 5xx responses; set alarms.errorRate to tune the threshold');
  } else if (isMap(rollback_alarms)) {
    ctx.findings.add('deployment.rollback_alarms', `rolled back when ${Object.entries(rollback_alarms).map(([k, v]) => `${k} reached ${String(v)}%`).join(' or ')}; cityplan rolls back on the ECS circuit breaker and its own error-rate alarm`, 'nothing, unless CPU or memory saturation on deploy matters: raise it with the platform team');
  }
  if (rolling === 'recreate') ctx.findings.add('deployment.rolling', 'recreate stopped every old task before starting new ones; cityplan starts new tasks first', 'nothing, unless two versions must never run at once: then say so to the platform team');
  for (const key of Object.keys(others)) ctx.findings.add(`deployment.${key}`, 'not a deployment field cityplan knows', 'remove it');
}

/** `publish.topics` → `publish` (topic names made cityplan names; FIFO topics reported). */
export function mapPublish(raw: Raw, out: LayerDraft, ctx: MapContext): void {
  const publish = raw.take('publish');
  if (!isMap(publish) || !Array.isArray(publish.topics)) return;
  const topics: string[] = [];
  publish.topics.forEach((t: unknown, i: number) => {
    if (!isMap(t) || typeof t.name !== 'string') return;
    const name = topicName(t.name);
    if (!name) {
      ctx.findings.add(`publish.topics[${i}].name`, `'${t.name}' makes no cityplan topic name`, 'rename the topic: lower-case letters, digits and hyphens');
      return;
    }
    if (name !== t.name) ctx.findings.add(`publish.topics[${i}].name`, `topic '${t.name}' is named '${name}' in cityplan (lower-case letters, digits and hyphens)`, 'publishers read the ARN from TOPIC_<NAME>_ARN: update the code that found the topic by name');
    if (t.fifo) ctx.findings.add(`publish.topics[${i}].fifo`, 'cityplan topics are standard SNS topics', 'if order matters, make the subscribing worker\'s queue FIFO and deduplicate in the consumer');
    topics.push(name);
  });
  if (topics.length > 0) out.fields.publish = topics;
}

/** A Copilot topic name as a cityplan topic name (at most 40 characters). */
export const topicName = (name: string) => cityplanName(name, 40);

/** The grace period of a health check map (`grace_period`), in seconds, or undefined. */
export function gracePeriod(healthcheck: Record<string, unknown>): number | undefined {
  const s = seconds(healthcheck.grace_period);
  return s === undefined ? undefined : Math.round(s);
}

/**
 * The fields every workload type maps alike, in one order: size, count, variables, command,
 * platform, deployment (Copilot has none for jobs and Request-Driven Web Services), publish; then
 * every field left over is reported. `web` and `job` shape the count (mapCount).
 */
export function mapCommonFields(
  raw: Raw,
  out: LayerDraft,
  ctx: MapContext & { web: boolean; job: boolean; appRunner?: boolean; movedToSecrets: Set<string>; deployment: boolean },
): void {
  mapSize(raw, out);
  mapCount(raw, out, ctx);
  mapVariables(raw, out, ctx);
  mapCommand(raw, out, ctx);
  mapPlatform(raw, ctx);
  if (ctx.deployment) mapDeployment(raw, ctx);
  mapPublish(raw, out, ctx);
  reportRest(raw, ctx);
}

/** Every field of `raw` no mapper took, reported (with the reason from NO_CITYPLAN_FORM where there is one). */
export function reportRest(raw: Raw, ctx: MapContext): void {
  for (const key of raw.rest()) {
    const known = NO_CITYPLAN_FORM[key] ?? { why: 'not a field cityplan has an equivalent for', todo: 'check whether the service relies on it; raise it with the platform team if it does' };
    ctx.findings.add(key, known.why, known.todo);
  }
}
