import type { CfnResource } from 'aws-cdk-lib';
import { NagRuleCompliance } from 'cdk-nag';
import { type CityplanRule, properties } from './resources';

/** Parts of a variable name (split at `_`, `-`, `.`) that say it holds a secret. */
const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PWD', 'SECRET', 'SECRETS', 'TOKEN', 'KEY', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS', 'PRIVATE']);

/** Values that look like key material: AWS access key ids, PEM blocks, bearer/JWT tokens, GitHub and Slack tokens. */
const SECRET_VALUES = [/\bA(KIA|SIA)[0-9A-Z]{16}\b/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/, /\bgh[pousr]_[A-Za-z0-9]{36}\b/, /\bxox[abpr]-[A-Za-z0-9-]{10,}/];

/** Whether a plain environment variable looks like it holds a secret, by its name or its value. */
export function secretLooking(name: string, value: unknown): boolean {
  if (name.toUpperCase().split(/[_\-.]/).some((w) => SECRET_WORDS.has(w))) return true;
  return typeof value === 'string' && SECRET_VALUES.some((p) => p.test(value));
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
