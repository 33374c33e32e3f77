/**
 * Which imported environments are protected (`protect: true`: termination and deletion
 * protection, retained data, AWS Backup, at least 2 tasks per service; docs/manifest.md). A team
 * leaving Copilot expects its production to stay production: an environment Copilot's pipeline
 * deployed to only after a manual approval (`requires_approval`), or one named like production,
 * is imported protected; the rest are not (their data goes with their stacks, as Copilot's did).
 */
import { SERVICE_DEFAULTS } from '../../manifest/schema';
import { emptyLayer } from './draft';
import type { Findings } from './report';
import type { ServiceDraft } from './workload';

/** Names that say production (the same as the environment base aliases go to). */
export const PRODUCTION_NAME = /^(prod|production|prd|live)$/;

/** Why a Copilot environment is imported protected, or undefined when it is not. */
export function protectionReason(copilotEnv: string, cityplanEnv: string, approval: boolean): string | undefined {
  if (approval) return `Copilot's pipeline deployed to ${copilotEnv} only after a manual approval (requires_approval)`;
  if (PRODUCTION_NAME.test(cityplanEnv)) return `${copilotEnv} is named like production`;
  return undefined;
}

/**
 * A protected environment runs at least 2 tasks of each service (cityplan's rule, for the loss of
 * one task or zone): a service that ran fewer there gets count.min 2 in that environment, reported.
 * Jobs are left alone (one task per run).
 */
export function atLeastTwoTasks(d: ServiceDraft, env: string, copilotEnv: string, f: Findings): void {
  if (d.kind === 'job') return;
  const layer = d.environments.get(env) ?? emptyLayer();
  const base = d.base.fields.count as { min: number; max: number } | undefined;
  const own = layer.fields.count as { min: number; max: number } | undefined;
  const count = own ?? base ?? SERVICE_DEFAULTS.count;
  if (count.min >= 2) return;
  layer.fields.count = { min: 2, max: Math.max(2, count.max) };
  d.environments.set(env, layer);
  f.add(`${own ? `environments.${copilotEnv}.` : ''}count`, `ran at least ${count.min} task${count.min === 1 ? '' : 's'} in ${copilotEnv}; a protected cityplan environment runs at least 2 of each service, so count.min is 2 there`, `keep it (a task or zone can fail without an outage), or take protect off ${env} in estate.yaml if it is no production`);
}
