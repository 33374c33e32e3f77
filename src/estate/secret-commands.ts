/**
 * The shell commands cityplan prints for putting a secret's value into Secrets Manager. Each one
 * keeps the value out of the process list (it travels through the shell's builtin printf on a
 * pipe, and the AWS CLI reads it with `--secret-string file:///dev/stdin`, never as an argument
 * other users could see with ps) and stops before writing when the value could not be read (an
 * `&&` chain: a failed read never puts an empty value). Each runs in a subshell `( … )`, so the
 * value does not outlive the command in the user's shell.
 */

/** Single-quoted for a POSIX shell. */
export const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** `aws secretsmanager put-secret-value` reading the value from stdin. */
const put = (secretId: string) => `aws secretsmanager put-secret-value --secret-id ${shellQuote(secretId)} --secret-string file:///dev/stdin`;

/**
 * Puts a value typed at the terminal (not echoed; `read -s` is in bash and zsh) into `secretId`,
 * or `<name>` in a generic instruction.
 */
export function typedSecretCommand(secretId: string): string {
  const id = secretId === '<name>' ? '<name>' : shellQuote(secretId);
  return `(IFS= read -rs v && printf %s "$v" | aws secretsmanager put-secret-value --secret-id ${id} --secret-string file:///dev/stdin)`;
}

/** Where a value is read from: an SSM parameter, or a Secrets Manager secret (one JSON key of it, one version of it). */
export type SecretValueSource =
  | { readonly store: 'ssm'; readonly name: string }
  | { readonly store: 'secretsmanager'; readonly secretId: string; readonly jsonKey?: string; readonly versionStage?: string; readonly versionId?: string };

/**
 * Copies the value at `from` into the Secrets Manager secret `to`. A JSON key is picked out with
 * `jq -e`, which fails (and so stops the copy) when the key is missing or null.
 */
export function copySecretCommand(from: SecretValueSource, to: string): string {
  if (from.store === 'ssm') {
    // $(…) drops the newline the CLI's text output ends with.
    return `(v=$(aws ssm get-parameter --name ${shellQuote(from.name)} --with-decryption --query Parameter.Value --output text) && printf %s "$v" | ${put(to)})`;
  }
  const version = `${from.versionStage ? ` --version-stage ${shellQuote(from.versionStage)}` : ''}${from.versionId ? ` --version-id ${shellQuote(from.versionId)}` : ''}`;
  const read = `aws secretsmanager get-secret-value --secret-id ${shellQuote(from.secretId)}${version} --query SecretString --output text`;
  if (!from.jsonKey) return `(v=$(${read}) && printf %s "$v" | ${put(to)})`;
  return `(s=$(${read}) && v=$(printf %s "$s" | jq -er --arg k ${shellQuote(from.jsonKey)} '.[$k]') && printf %s "$v" | ${put(to)})`;
}

/**
 * A Secrets Manager reference as ECS and Copilot take it: a secret name or ARN, optionally followed
 * by `:json-key:version-stage:version-id` (each may be empty), as in `notify:api_key::`. An ARN's
 * own colons (`arn:aws:secretsmanager:<region>:<account>:secret:<name>`) are not separators.
 * (Amazon ECS Developer Guide, "Pass Secrets Manager secrets through Amazon ECS environment variables".)
 */
export function parseSecretsManagerReference(reference: string): Extract<SecretValueSource, { store: 'secretsmanager' }> {
  const arn = /^(arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:[^:]+)(?::(.*))?$/.exec(reference);
  const [secretId, rest] = arn ? [arn[1]!, arn[2]] : [reference.split(':')[0]!, reference.includes(':') ? reference.slice(reference.indexOf(':') + 1) : undefined];
  const [jsonKey, versionStage, versionId] = (rest ?? '').split(':');
  return {
    store: 'secretsmanager',
    secretId,
    ...(jsonKey ? { jsonKey } : {}),
    ...(versionStage ? { versionStage } : {}),
    ...(versionId ? { versionId } : {}),
  };
}
