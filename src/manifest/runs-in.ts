/**
 * `runsIn`: the environments a service runs in. By default a service runs in every environment of
 * estate.yaml; an estate of thousands of services spreads them over environments in several
 * accounts instead, because one account and region holds at most 2,000 CloudFormation stacks and
 * one VPC 2,500 security groups by default (docs/architecture.md, Planning at scale), and cityplan
 * gives every service its own stack and security group in each environment it runs in.
 */
import { closest } from './near';
import type { Problem } from './problems';
import type { ServiceFile } from './schema';
import type { EnvironmentSpec } from './spec';
import type { YamlSource } from './yaml-source';

/**
 * The environments (in estate order) a service file runs in, and one problem per wrong name in
 * `runsIn` (not an environment, listed twice) or per `environments.<env>` override of an
 * environment the service does not run in. Unknown names are left out of the result, so the
 * rest of the service is still checked.
 */
export function environmentsOf(file: ServiceFile, source: YamlSource, environments: readonly EnvironmentSpec[]): { runsIn: EnvironmentSpec[]; problems: Problem[] } {
  if (!file.runsIn) return { runsIn: [...environments], problems: [] };
  const problems: Problem[] = [];
  const known = environments.map((e) => e.name);
  const seen = new Set<string>();
  file.runsIn.forEach((name, i) => {
    if (seen.has(name)) problems.push(source.problem(['runsIn', i], `lists ${name} twice`));
    else if (!known.includes(name)) {
      const near = closest(name, known);
      problems.push(source.problem(['runsIn', i], `'${name}' is not an environment of estate.yaml${near ? `; did you mean ${near}?` : ''} (environments: ${known.join(', ')})`));
    }
    seen.add(name);
  });
  const runsIn = environments.filter((e) => seen.has(e.name));
  for (const name of Object.keys(file.environments ?? {})) {
    if (known.includes(name) && !seen.has(name)) {
      problems.push(
        source.problem(['environments', name], `overrides environment ${name}, where the service does not run (runsIn: ${runsIn.map((e) => e.name).join(', ')}); add ${name} to runsIn or remove the override`, true),
      );
    }
  }
  return { runsIn, problems };
}
