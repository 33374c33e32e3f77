import type { EnvironmentSpec } from '../manifest/spec';

export interface EnvironmentSelection {
  /** The environments this run deploys, in estate order. */
  readonly deploy: readonly string[];
  /** The first environment held back for its approval, and those after it, when there are. */
  readonly held?: { readonly environment: string; readonly after: readonly string[] };
}

/**
 * Which environments one `cityplan deploy` run deploys. An environment with `approval: true` is
 * deployed only when named with `--env` (so never in the same run as the environment before it,
 * whose deploy is what the approval is about); a run without `--env` deploys the environments in
 * estate order up to the first one with an approval, and holds that one and every one after it.
 *
 * @param named the `--env` given, if any (validated by the plan)
 */
export function selectEnvironments(environments: readonly EnvironmentSpec[], named?: string): EnvironmentSelection {
  if (named) return { deploy: [named] };
  const first = environments.findIndex((e) => e.approval);
  if (first < 0) return { deploy: environments.map((e) => e.name) };
  return {
    deploy: environments.slice(0, first).map((e) => e.name),
    held: { environment: environments[first]!.name, after: environments.slice(first + 1).map((e) => e.name) },
  };
}

/** The line a run that held environments back prints. */
export function describeHeld(dir: string, held: NonNullable<EnvironmentSelection['held']>): string {
  const others = held.after.length > 0 ? ` (and ${held.after.join(', ')} after it)` : '';
  return `${held.environment} has approval: true: not deployed in this run${others}. Once what this run deployed is verified, deploy it on its own: cityplan deploy ${dir} --env ${held.environment}`;
}
