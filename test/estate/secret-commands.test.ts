/**
 * The secret commands cityplan prints are run in bash against a stand-in `aws` (a script that
 * logs its arguments and stdin), so what they do is asserted, not their text: the value never
 * appears as an argument, and a failed read writes nothing.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copySecretCommand, parseSecretsManagerReference, typedSecretCommand } from '../../src/estate/secret-commands';
import { scratchFolders } from '../support/scratch';

const scratch = scratchFolders('cityplan-secret-commands-');

/**
 * Runs `command` in bash with a stand-in aws on PATH that answers reads with `answer` (or fails
 * with exit 255 when it is undefined) and records each call. Returns the calls and puts.
 */
function run(command: string, answer: string | undefined, stdin = '') {
  const dir = scratch();
  const aws = join(dir, 'aws');
  writeFileSync(
    aws,
    [
      '#!/bin/bash',
      `echo "$*" >> ${dir}/args`,
      'case "$1 $2" in',
      `  "ssm get-parameter"|"secretsmanager get-secret-value") ${answer === undefined ? 'echo "An error occurred (AccessDenied)" >&2; exit 255' : `printf '%s\\n' ${JSON.stringify(answer)}`} ;;`,
      `  "secretsmanager put-secret-value") cat > ${dir}/put ;;`,
      'esac',
    ].join('\n'),
  );
  chmodSync(aws, 0o755);
  let status = 0;
  try {
    execFileSync('bash', ['-c', command], { input: stdin, env: { PATH: `${dir}:/usr/bin:/bin` }, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    status = (e as { status: number }).status;
  }
  return {
    status,
    args: existsSync(join(dir, 'args')) ? readFileSync(join(dir, 'args'), 'utf8') : '',
    put: existsSync(join(dir, 'put')) ? readFileSync(join(dir, 'put'), 'utf8') : undefined,
  };
}

describe('secret commands', () => {
  it('copies an SSM parameter on stdin, without its newline, never as an argument', () => {
    const r = run(copySecretCommand({ store: 'ssm', name: '/copilot/visits/test/secrets/x' }, 'visits/test/web/X'), 'hunter2');
    expect(r.status).toBe(0);
    expect(r.put).toBe('hunter2');
    expect(r.args).toContain("put-secret-value --secret-id visits/test/web/X --secret-string file:///dev/stdin");
    expect(r.args).not.toContain('hunter2');
  });

  it.each([
    ['an SSM parameter', copySecretCommand({ store: 'ssm', name: 'p' }, 'to')],
    ['a secret', copySecretCommand({ store: 'secretsmanager', secretId: 's' }, 'to')],
    ['a JSON key of a secret', copySecretCommand({ store: 'secretsmanager', secretId: 's', jsonKey: 'api_key' }, 'to')],
  ])('writes nothing when reading %s fails', (_what, command) => {
    const r = run(command, undefined);
    expect(r.status).not.toBe(0);
    expect(r.put).toBeUndefined();
  });

  it('picks one JSON key of a secret, and writes nothing when the key is missing', () => {
    const command = copySecretCommand(parseSecretsManagerReference('visits/test/notify:api_key::'), 'visits/test/web/API_KEY');
    expect(command).toContain("--secret-id 'visits/test/notify' ");
    const r = run(command, JSON.stringify({ api_key: 'k3y', other: 'x' }));
    expect(r.put).toBe('k3y');
    expect(r.args).not.toContain('k3y');
    expect(run(command, JSON.stringify({ other: 'x' })).put).toBeUndefined();
  });

  it('puts a typed value from stdin, and nothing when there is none to read', () => {
    const r = run(typedSecretCommand('visits/test/web/X'), 'unused', 's3cret value\n');
    expect(r.put).toBe('s3cret value');
    expect(r.args).not.toContain('s3cret');
    expect(run(typedSecretCommand('visits/test/web/X'), 'unused', '').put).toBeUndefined();
  });
});

describe('Secrets Manager references', () => {
  it.each([
    ['visits/db', { secretId: 'visits/db' }],
    ['visits/test/notify:api_key::', { secretId: 'visits/test/notify', jsonKey: 'api_key' }],
    ['db:password:AWSPREVIOUS:', { secretId: 'db', jsonKey: 'password', versionStage: 'AWSPREVIOUS' }],
    ['arn:aws:secretsmanager:eu-west-2:123456789012:secret:visits/db-AbCdEf', { secretId: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:visits/db-AbCdEf' }],
    ['arn:aws:secretsmanager:eu-west-2:123456789012:secret:visits/db-AbCdEf:user::', { secretId: 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:visits/db-AbCdEf', jsonKey: 'user' }],
  ])('%s', (reference, expected) => expect(parseSecretsManagerReference(reference)).toEqual({ store: 'secretsmanager', ...expected }));
});
