/**
 * Where in a service's manifest a plan finding on its stack can be fixed: the field that decides
 * the offending property, for the rules whose remedy is one field. A finding of another rule keeps
 * its construct path.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../manifest/problems';
import { YamlSource } from '../manifest/yaml-source';

/** Rule id → the service manifest field that decides it. */
const RULE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  // The container's user; root needs rootReason beside it (manifest rules refuse it otherwise).
  'Cityplan-NonRootContainers': ['user'],
};

/**
 * A finding as a problem: at the service file's line and field when the rule has one and `file`
 * is a service manifest of the estate in `dir`, else at the file with the construct path as field.
 */
export function findingProblem(dir: string, file: string, finding: { readonly rule: string; readonly description: string; readonly path: string }): Problem {
  const message = `${finding.rule}: ${finding.description}`;
  const field = RULE_FIELDS[finding.rule];
  const path = join(dir, file);
  if (field && file.startsWith('services/') && existsSync(path)) {
    const { source } = YamlSource.read(path, file);
    if (source) return source.problem(field, `${message} (${finding.path})`);
  }
  return { file, field: finding.path, message };
}
