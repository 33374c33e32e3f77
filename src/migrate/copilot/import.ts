/**
 * `cityplan import copilot`: an AWS Copilot application's manifests → a cityplan estate, built
 * whole in memory (see write.ts for how it reaches the disk), with every field that did not map.
 */
import { basename, resolve } from 'node:path';
import { estateNameFrom } from '../../cli/estate-name';
import { GITIGNORE } from '../../cli/init';
import { EstateError, type Problem } from '../../manifest/problems';
import { copySecretCommand, parseSecretsManagerReference, typedSecretCommand } from '../../estate/secret-commands';
import { resourceName, variable } from '../../naming/names';
import type { SecretSource } from './common';
import { cityplanName } from './convert';
import { emptyLayer, isMap, type LayerDraft } from './draft';
import { mapEnvironment } from './environments';
import { readPipelines } from './pipelines';
import { COPILOT_APP, readCopilotApp } from './read';
import { Findings, type Unmapped } from './report';
import { mapWorkload, type ServiceDraft } from './workload';
import { renderEstate, renderService } from './render';
import { rewriteServiceAddresses } from './service-addresses';
import { atLeastTwoTasks, PRODUCTION_NAME, protectionReason } from './protection';
import { renderImportReport } from './import-report';

/** A secret to copy: where Copilot read it, and the cityplan secret it goes into. */
export interface SecretCopy {
  readonly service: string;
  readonly environment: string;
  readonly name: string;
  /** Where Copilot read the value, `${COPILOT_*}` placeholders filled in; absent when the value was written in the manifest. */
  readonly from?: { readonly store: 'ssm' | 'secretsmanager'; readonly name: string };
  /** The cityplan secret (src/naming/names.ts resourceName.secret). */
  readonly to: string;
  /**
   * Shell command that puts the value in (run after the service's first deploy, which creates the
   * secret): copied from `from`, or typed at the terminal when the value was written in the
   * manifest. Never shows the value in the process list; stops when the read fails
   * (src/estate/secret-commands.ts).
   */
  readonly command: string;
}

export interface ImportedService {
  readonly name: string;
  readonly kind: string;
  /** The Copilot workload's name. */
  readonly copilot: string;
  /** The service file written, relative to the estate folder. */
  readonly file: string;
  /** The Copilot manifest it came from, relative to the application folder. */
  readonly from: string;
}

export interface ImportResult {
  readonly estate: string;
  /** The Copilot application's name. */
  readonly application: string;
  readonly services: readonly ImportedService[];
  readonly unmapped: readonly Unmapped[];
  readonly secrets: readonly SecretCopy[];
  /** Every file of the estate: path relative to the estate folder → text. */
  readonly files: ReadonlyMap<string, string>;
}

/** A placeholder environment account: 12 digits, distinct per environment, never a real account's pattern. */
const placeholderAccount = (i: number) => String(i + 2).repeat(12).slice(0, 12).padStart(12, '9');

/**
 * Imports the Copilot application in `appDir`.
 *
 * @throws EstateError when there is no copilot/ folder, a manifest is not valid YAML (file:line),
 *   a workload's `type` is none of Copilot's (naming the known types), or names collide
 */
export function importCopilot(appDir: string): ImportResult {
  const app = readCopilotApp(appDir);
  const unmapped: Unmapped[] = [];
  const findingsOf = (file: string) => new Findings(file, unmapped);
  const problems: Problem[] = [];

  const estate = estateNameFrom(app.application ?? basename(resolve(appDir))) ?? 'copilot-app';
  const application = app.application ?? estate;
  if (!app.application) findingsOf('copilot/.workspace').add('application', 'no application name found; the estate is named after the folder', 'check name: in estate.yaml');

  for (const s of app.skipped) findingsOf(s.file).add('', s.why, s.todo);
  const pipeline = readPipelines(app.pipelines, findingsOf);

  // Environments: the pipeline's stages in order, then the environment manifests, then any other
  // environment a workload overrides.
  const copilotEnvs: string[] = [];
  const add = (e: string) => (copilotEnvs.includes(e) ? undefined : copilotEnvs.push(e));
  pipeline.stages.forEach(add);
  app.environments.forEach((m) => add(m.file.split('/')[2]!));
  for (const w of app.workloads) if (isMap(w.manifest.data.environments)) Object.keys(w.manifest.data.environments).forEach(add);
  const envNames = new Map<string, string>();
  for (const e of copilotEnvs) {
    let name = cityplanName(e, 12) ?? 'env';
    for (let i = 2; [...envNames.values()].includes(name); i++) name = `${name.slice(0, 10)}-${i}`;
    envNames.set(e, name);
    if (name !== e) findingsOf(`copilot/environments/${e}`).add('name', `environment '${e}' is named '${name}' in cityplan (lower-case letters, digits and hyphens, at most 12)`, 'use the new name in commands and overrides');
  }
  const placeholderEnv = envNames.size === 0;
  if (placeholderEnv) envNames.set('staging', 'staging');

  const repo = pipeline.repo
    ? { repo: pipeline.repo, ...(pipeline.branch ? { branch: pipeline.branch } : {}) }
    : { repo: `your-org/${application.replace(/[^A-Za-z0-9_.-]/g, '-')}`, todo: 'the repository services are built from (owner/name); no pipeline manifest named it' };

  const drafts: ServiceDraft[] = [];
  for (const w of app.workloads) {
    const draft = mapWorkload(w, { environments: envNames, repo, unmapped }, problems);
    if (draft) drafts.push(draft);
  }
  const byName = new Map<string, ServiceDraft>();
  for (const d of drafts) {
    const other = byName.get(d.name);
    if (other) problems.push(d.nameProblem(`is imported as service '${d.name}', as ${other.file} is; rename one of them in Copilot's manifest`));
    byName.set(d.name, d);
  }
  if (problems.length > 0) throw new EstateError(problems, COPILOT_APP);

  const production = productionEnvironment([...envNames.values()]);
  for (const d of drafts) {
    resolveSubscriptions(d, drafts, findingsOf(d.file));
    placeHostnames(d, production, envNames.size, findingsOf(d.file));
    rewriteServiceAddresses(d, drafts, application, envNames, findingsOf(d.file));
    fillCopilotNames(d, application, envNames, findingsOf(d.file));
    dropPlatformVariables(d, envNames, findingsOf(d.file));
    noteCopilotVariables(d, findingsOf(d.file));
  }

  const secrets: SecretCopy[] = [];
  for (const d of drafts) {
    const names = new Set<string>();
    for (const [env, map] of d.secrets) {
      const copilotEnv = copilotName(envNames, env);
      for (const [name, source] of map) {
        names.add(name);
        secrets.push(secretCopy(estate, env, d, name, source && fill(source, application, copilotEnv, d.copilotName)));
      }
    }
    if (names.size > 0) d.base.fields.secrets = [...names].sort();
  }

  const environments = [...envNames].map(([copilotEnv, name], i) => {
    const manifest = app.environments.find((m) => m.file.split('/')[2] === copilotEnv);
    const mapped = manifest ? mapEnvironment(manifest, findingsOf(manifest.file)) : {};
    const protect = placeholderEnv ? undefined : protectionReason(copilotEnv, name, pipeline.approval.has(copilotEnv));
    if (protect) {
      const f = findingsOf(manifest?.file ?? `copilot/environments/${copilotEnv}`);
      f.add('protect', `${protect}, so ${name} is imported with protect: true: termination and deletion protection, retained logs, secrets and data, AWS Backup of its databases and buckets, and at least 2 tasks per service`, `keep it for production; take it off in estate.yaml (protect: false) only if ${name} holds nothing to keep`);
      for (const d of drafts) atLeastTwoTasks(d, name, copilotEnv, findingsOf(d.file));
    }
    return { name, account: placeholderAccount(i), ...mapped, approval: pipeline.approval.has(copilotEnv), ...(protect ? { protect } : {}) };
  });
  if (placeholderEnv) findingsOf('copilot/environments').add('', 'no environment was found in the application (no environment manifest, pipeline stage or override), so estate.yaml has one placeholder environment, staging, that Copilot never had', 'rename or add environments in estate.yaml to match those Copilot deployed to (copilot env ls lists them)');
  for (const addon of app.environmentAddons) {
    for (const [id, r] of Object.entries(addon.resources)) {
      findingsOf(addon.file).add(`Resources.${id}`, `environment addon ${String(r?.Type)} has no cityplan form`, 'keep it in a stack of its own, or raise it with the platform team');
    }
  }

  // Grouped by file, each file's fields in the order they were met.
  unmapped.sort((a, b) => a.file.localeCompare(b.file));
  const files = new Map<string, string>();
  files.set('estate.yaml', renderEstate({ estate, application, environments, connection: pipeline.connection }));
  const services: ImportedService[] = drafts.map((d) => {
    const file = `services/${d.name}.yaml`;
    files.set(file, renderService(d, application));
    return { name: d.name, kind: d.kind, copilot: d.copilotName, file, from: d.file };
  });
  files.set('IMPORT.md', renderImportReport({ estate, application, services, unmapped, secrets, environments: [...envNames].map(([copilot, name]) => ({ name, ...(placeholderEnv ? {} : { copilot }) })) }));
  // What init writes too: plan's output and leftovers stay out of the repository.
  files.set('.gitignore', GITIGNORE);
  return { estate, application, services, unmapped, secrets, files };
}

/** The Copilot name of a cityplan environment (`envNames` maps Copilot's names to cityplan's). */
function copilotName(envNames: ReadonlyMap<string, string>, env: string): string {
  return [...envNames].find(([, v]) => v === env)![0];
}

/** The environment base aliases go to: one named like production, or the last (the pipeline's last stage). */
function productionEnvironment(envs: readonly string[]): string {
  return envs.find((e) => PRODUCTION_NAME.test(e)) ?? envs.at(-1)!;
}

/** `${COPILOT_APPLICATION_NAME}`, `${COPILOT_ENVIRONMENT_NAME}` and `${COPILOT_SERVICE_NAME}` in a secret's name, filled in. */
function fill(source: SecretSource, app: string, env: string, service: string): SecretSource {
  const name = source.name
    .replace(/\$\{COPILOT_APPLICATION_NAME\}/g, app)
    .replace(/\$\{COPILOT_ENVIRONMENT_NAME\}/g, env)
    .replace(/\$\{COPILOT_SERVICE_NAME\}/g, service);
  return { store: source.store, name };
}

function secretCopy(estate: string, env: string, d: ServiceDraft, name: string, from: SecretSource | undefined): SecretCopy {
  const to = resourceName.secret(estate, env, d.name, name);
  // A value written in the manifest has nothing to copy from: a new one is typed in (the old one
  // was in the repository, so it is rotated rather than copied).
  if (!from) return { service: d.name, environment: env, name, to, command: typedSecretCommand(to) };
  const source = from.store === 'ssm' ? { store: 'ssm' as const, name: from.name } : parseSecretsManagerReference(from.name);
  return { service: d.name, environment: env, name, from, to, command: copySecretCommand(source, to) };
}

/**
 * A worker's subscriptions, with Copilot service names made cityplan names; one whose service is
 * not imported, or does not publish the topic, is dropped and reported (cityplan would refuse it).
 */
function resolveSubscriptions(d: ServiceDraft, all: readonly ServiceDraft[], f: Findings): void {
  if (d.subscriptions.length === 0) return;
  const subscribe = d.subscriptions.flatMap((s) => {
    const publisher = all.find((o) => o.copilotName === s.copilotService);
    const topics = (publisher?.base.fields.publish as string[] | undefined) ?? [];
    if (!publisher || !topics.includes(s.topic)) {
      f.add(s.field, publisher ? `service ${s.copilotService} publishes no topic ${s.topic}` : `service ${s.copilotService} is not in this application`, 'subscribe once the publishing service is in the estate and publishes the topic');
      return [];
    }
    return [{ service: publisher.name, topic: s.topic, ...(s.filter ? { filter: s.filter } : {}) }];
  });
  if (subscribe.length > 0) d.base.fields.subscribe = subscribe;
}

/**
 * Aliases set for every environment (`http.alias` in the manifest itself) can only answer in one,
 * as cityplan says a name belongs to one environment: they go to the production environment,
 * unless it sets its own.
 */
function placeHostnames(d: ServiceDraft, production: string, environments: number, f: Findings): void {
  const hostnames = d.base.fields.hostnames as string[] | undefined;
  if (!hostnames || environments < 2) return;
  delete d.base.fields.hostnames;
  const layer: LayerDraft = d.environments.get(production) ?? emptyLayer();
  d.environments.set(production, layer);
  if (layer.fields.hostnames === undefined) layer.fields.hostnames = hostnames;
  f.add('http.alias', `set for every environment; a cityplan host name belongs to one environment, so ${hostnames.join(', ')} ${layer.fields.hostnames === hostnames ? `is kept in ${production} only` : `is dropped (${production} sets its own)`}`, 'give other environments their own names under environments.<env>.hostnames if they need them');
}

/**
 * Copilot fills `${COPILOT_APPLICATION_NAME}`, `${COPILOT_ENVIRONMENT_NAME}` and
 * `${COPILOT_SERVICE_NAME}` in a manifest's values at deploy time (and any other `${VAR}` from the
 * deploying shell). In `env` the first and last are filled in; a value that names the environment
 * becomes one value per environment (in each override that does not set its own); any other
 * `${VAR}` is kept as written and reported.
 */
function fillCopilotNames(d: ServiceDraft, application: string, envNames: ReadonlyMap<string, string>, f: Findings): void {
  const fixed = (value: string) => value.replace(/\$\{COPILOT_APPLICATION_NAME\}/g, application).replace(/\$\{COPILOT_SERVICE_NAME\}/g, d.copilotName);
  const layers: Array<[string | undefined, LayerDraft]> = [[undefined, d.base], ...[...d.environments]];
  for (const [env, layer] of layers) {
    const vars = layer.fields.env as Record<string, string> | undefined;
    if (!vars) continue;
    for (const [key, value] of Object.entries(vars)) {
      let text = fixed(value);
      const copilotEnv = env && copilotName(envNames, env);
      if (copilotEnv) text = text.replace(/\$\{COPILOT_ENVIRONMENT_NAME\}/g, copilotEnv);
      vars[key] = text;
      const other = /\$\{(?!COPILOT_ENVIRONMENT_NAME\})([A-Za-z_][A-Za-z0-9_]*)\}/.exec(text);
      if (other) f.add(`${copilotEnv ? `environments.${copilotEnv}.` : ''}variables.${key}`, `\${${other[1]}} was filled in by Copilot from the deploying shell; cityplan writes values as they are`, 'write the value itself (per environment under environments.<env>.env if it differs)');
    }
  }
  const base = d.base.fields.env as Record<string, string> | undefined;
  for (const [key, value] of Object.entries(base ?? {})) {
    if (!value.includes('${COPILOT_ENVIRONMENT_NAME}')) continue;
    delete base![key];
    for (const [copilotEnv, env] of envNames) {
      const layer = d.environments.get(env) ?? emptyLayer();
      d.environments.set(env, layer);
      const vars = (layer.fields.env as Record<string, string> | undefined) ?? {};
      layer.fields.env = vars;
      if (vars[key] === undefined) vars[key] = value.replace(/\$\{COPILOT_ENVIRONMENT_NAME\}/g, copilotEnv);
    }
  }
  if (base && Object.keys(base).length === 0) delete d.base.fields.env;
}

/**
 * Variables cityplan sets in the container (src/manifest/rules.ts platformVariables): those with
 * its prefix always, the queue's, topics', bucket's, cache's and database's when the service has
 * one. A Copilot variable of such a name would be refused, so it is dropped and reported.
 */
function dropPlatformVariables(d: ServiceDraft, envNames: ReadonlyMap<string, string>, f: Findings): void {
  const fields = d.base.fields;
  const set = new Set<string>([
    ...((fields.publish as string[] | undefined) ?? []).map(variable.topicArn),
    ...(d.kind === 'worker' ? [variable.queueUrl] : []),
    ...(fields.bucket ? [variable.bucketName] : []),
    ...(fields.cache ? [variable.cacheHost, variable.cachePort] : []),
    ...(fields.postgres ? Object.values(variable.postgres) : []),
  ]);
  const ours = (key: string) => key.startsWith(variable.prefix) || set.has(key);
  for (const [where, layer] of [['', d.base] as const, ...[...d.environments].map(([e, l]) => [`environments.${copilotName(envNames, e)}.`, l] as const)]) {
    const env = layer.fields.env as Record<string, string> | undefined;
    if (!env) continue;
    for (const key of Object.keys(env).filter(ours)) {
      delete env[key];
      f.add(`${where}variables.${key}`, `${key} is a name cityplan sets itself (or keeps for itself)`, 'rename the variable in the application');
    }
    if (Object.keys(env).length === 0) delete layer.fields.env;
  }
}

/** The variables Copilot set that the code may read, and cityplan's names for them. */
function noteCopilotVariables(d: ServiceDraft, f: Findings): void {
  if (d.kind === 'worker') f.add('subscribe', `Copilot gave the worker its queue as COPILOT_QUEUE_URI; cityplan gives it as ${variable.queueUrl}`, `read ${variable.queueUrl} in the worker`);
  if (d.base.fields.publish) f.add('publish', `Copilot gave topic ARNs as one JSON map, COPILOT_SNS_TOPIC_ARNS; cityplan gives each as TOPIC_<NAME>_ARN (such as ${variable.topicArn((d.base.fields.publish as string[])[0]!)})`, 'read the new variables in the publisher');
  if (d.kind === 'backend') f.add('type', 'Copilot callers reached this backend at <service>.<environment>.<application>.local (service discovery) or http://<service> (Service Connect); cityplan callers list it under calls: and reach it over the service network', 'add it to calls: in each caller and check the address callers use');
}
