import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { embeddedCredential, isCredentialKey } from '../../manifest/credentials';
import { type CityplanRule, properties } from './resources';

/**
 * Whether a plain environment variable looks like it holds a secret: the manifest's own test
 * (src/manifest/credentials.ts: a name ending in PASSWORD, SECRET, TOKEN, API_KEY… or a value
 * embedding a password or key), so that what validation refuses in `env` and what this rule
 * refuses in a template are one definition. This rule catches what reaches a task definition
 * other than through `env`: code, escape hatches, raw resources.
 */
export function secretLooking(name: string, value: unknown): boolean {
  return isCredentialKey(name) || (typeof value === 'string' && embeddedCredential(value) !== undefined);
}

function SecretVariables(node: CfnResource): NagRuleCompliance {
  if (node.cfnResourceType !== 'AWS::ECS::TaskDefinition') return NagRuleCompliance.NOT_APPLICABLE;
  const containers = (properties(node).ContainerDefinitions ?? []) as Array<{ Environment?: Array<{ Name?: string; Value?: unknown }> }>;
  const leaks = containers.some((c) => (c.Environment ?? []).some((v) => secretLooking(String(v.Name ?? ''), v.Value)));
  return leaks ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
}

export const secretVariables: CityplanRule = {
  name: 'SecretVariables',
  info: 'A container has a plain environment variable whose name (PASSWORD, SECRET, TOKEN, KEY…) or value looks like a secret.',
  explanation: 'Plain variables are readable by anyone who can describe the task definition; secrets belong in the service `secrets` field (Secrets Manager).',
  check: SecretVariables,
};
