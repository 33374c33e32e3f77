import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackParameters } from '@aws-cdk/toolkit-lib';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { copyExample } from '../support/estate-files';

// GIVEN a toolkit that records what it is asked instead of calling AWS
const calls = vi.hoisted(() => ({
  bootstrap: [] as Array<{ environments: string[]; trusted: string[] | undefined; policies: string[] | undefined }>,
  deploy: [] as Array<{ patterns: string[]; parameters: unknown }>,
  diff: [] as string[][],
}));
vi.mock('@aws-cdk/toolkit-lib', async (original) => {
  const real = await original<typeof import('@aws-cdk/toolkit-lib')>();
  class Toolkit {
    async fromAssemblyDirectory(directory: string) {
      return { directory };
    }
    async bootstrap(environments: { envProvider?: unknown } & Record<string, unknown>, options: { parameters?: { parameters?: { trustedAccounts?: string[]; cloudFormationExecutionPolicies?: string[] } } }) {
      // fromList keeps the environments it was given as { account, region } (its envProvider).
      const given = environments.envProvider as Array<{ account: string; region: string }>;
      const list = given.map((e) => `aws://${e.account}/${e.region}`);
      calls.bootstrap.push({ environments: list, trusted: options.parameters?.parameters?.trustedAccounts, policies: options.parameters?.parameters?.cloudFormationExecutionPolicies });
      return { environments: [] };
    }
    async deploy(_a: unknown, options: { stacks: { patterns: string[] }; parameters: unknown }) {
      calls.deploy.push({ patterns: options.stacks.patterns, parameters: options.parameters });
      return { stacks: [] };
    }
    async diff(_a: unknown, options: { stacks: { patterns: string[] } }) {
      calls.diff.push(options.stacks.patterns);
      return {};
    }
  }
  return { ...real, Toolkit };
});

const sts = mockClient(STSClient);
const ssm = mockClient(SSMClient);
const error = (name: string, message: string) => Object.assign(new Error(message), { name });
const NONE = error('CredentialsProviderError', 'Could not load credentials from any providers');
const REJECTED = error('InvalidClientTokenId', 'The security token included in the request is invalid.');

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}
const out = () => join(tmpdir(), `cityplan-delivery-${process.pid}-${Math.random().toString(36).slice(2)}`);

describe('cityplan bootstrap', () => {
  beforeEach(() => {
    calls.bootstrap = [];
    sts.reset();
  });

  it('prints the cdk bootstrap each account needs, environments trusting the delivery account', async () => {
    const { code, stdout } = await cli('bootstrap', copyExample());
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      'delivery: cdk bootstrap aws://111111111111/eu-west-2 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
      'staging: cdk bootstrap aws://222222222222/eu-west-2 --trust 111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
      'production: cdk bootstrap aws://333333333333/eu-west-2 --trust 111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
    expect(calls.bootstrap).toEqual([]);
  });

  it('with --run, bootstraps the account of this shell only, and says which accounts need other credentials', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '222222222222' });
    const { code, stdout } = await cli('bootstrap', copyExample(), '--run');
    expect(code).toBe(0);
    expect(calls.bootstrap).toEqual([
      { environments: ['aws://222222222222/eu-west-2'], trusted: ['111111111111'], policies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    ]);
    expect(stdout).toContain('bootstrapped aws://222222222222/eu-west-2');
    expect(stdout).toContain("not this shell's account (222222222222): run the command for aws://333333333333/eu-west-2 with credentials of 333333333333");
  });

  it('with --run, says in one line that there are no credentials, or that AWS rejected them', async () => {
    sts.on(GetCallerIdentityCommand).rejects(NONE);
    const none = await cli('bootstrap', copyExample(), '--run');
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cityplan: no AWS credentials were found in this shell: set them/)]);
    sts.on(GetCallerIdentityCommand).rejects(REJECTED);
    const rejected = await cli('bootstrap', copyExample(), '--run');
    expect(rejected.code).toBe(1);
    expect(rejected.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cityplan: AWS rejected the credentials of this shell \(InvalidClientTokenId: /)]);
    expect(calls.bootstrap).toEqual([]);
  });
});

describe('cityplan rollback', () => {
  beforeEach(() => {
    calls.deploy = [];
    ssm.reset();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
  });

  it('checks the credentials with STS first: credentials that cannot reach AWS are one clear line', async () => {
    sts.on(GetCallerIdentityCommand).rejects(error('Error', 'getaddrinfo ENOTFOUND sts.eu-west-2.amazonaws.com'));
    const { code, stderr } = await cli('rollback', copyExample(), '--service', 'find-a-court', '--env', 'staging', '--out', out());
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cityplan: the AWS credentials of this shell could not be checked with AWS STS .*cityplan rollback again$/)]);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
    expect(calls.deploy).toEqual([]);
  });

  it('deploys the service stack back on the image its pipeline last recorded as deployed there, and nothing else', async () => {
    ssm.on(GetParameterCommand, { Name: '/cityplan/justice/delivery/find-a-court/production/image-tag' }).resolves({ Parameter: { Value: '9b1e0d2' } });
    const { code, stdout } = await cli('rollback', copyExample(), '--service', 'find-a-court', '--env', 'production', '--out', out());
    expect(code).toBe(0);
    expect(calls.deploy).toEqual([{ patterns: ['justice-production-find-a-court'], parameters: StackParameters.withExisting({ ImageTag: '9b1e0d2' }) }]);
    expect(stdout).toContain('find-a-court runs image 9b1e0d2 in production');
  });

  it('says there is nothing to roll back to when no image was recorded, and deploys nothing', async () => {
    ssm.on(GetParameterCommand).rejects(error('ParameterNotFound', 'not found'));
    const { code, stderr } = await cli('rollback', copyExample(), '--service', 'find-a-court', '--env', 'staging', '--out', out());
    expect(code).toBe(1);
    expect(stderr).toContain('no image of find-a-court has deployed successfully in staging');
    expect(calls.deploy).toEqual([]);
  });

  it('tells no credentials from wrong ones, in one line each', async () => {
    ssm.on(GetParameterCommand).rejects(NONE);
    const none = await cli('rollback', copyExample(), '--service', 'find-a-court', '--env', 'staging', '--out', out());
    expect(none.code).toBe(1);
    expect(none.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cityplan: no AWS credentials were found in this shell: .*cityplan rollback again$/)]);
    ssm.on(GetParameterCommand).rejects(error('ExpiredTokenException', 'The security token included in the request is expired'));
    const expired = await cli('rollback', copyExample(), '--service', 'find-a-court', '--env', 'staging', '--out', out());
    expect(expired.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cityplan: the AWS credentials of this shell have expired/)]);
    expect(calls.deploy).toEqual([]);
  });

  it('refuses an image service: it runs what its manifest names', async () => {
    const { code, stderr } = await cli('rollback', copyExample(), '--service', 'prisoner-search-api', '--env', 'staging');
    expect(code).toBe(2);
    expect(stderr).toContain('roll back by changing image: in services/prisoner-search-api.yaml');
  });
});

describe('cityplan diff', () => {
  beforeEach(() => {
    calls.diff = [];
    sts.reset();
  });

  it('compares every planned stack with what is deployed', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    const { code } = await cli('diff', copyExample(), '--env', 'staging', '--out', out());
    expect(code).toBe(0);
    expect(calls.diff).toHaveLength(1);
    expect(calls.diff[0]).toEqual(expect.arrayContaining(['justice-staging-foundation', 'justice-staging-find-a-court']));
  });

  it('checks --env and --service before credentials: a mistyped name is a usage error (exit 2)', async () => {
    sts.on(GetCallerIdentityCommand).rejects(NONE);
    const env = await cli('diff', copyExample(), '--env', 'nope', '--out', out());
    expect(env.code).toBe(2);
    expect(env.stderr).toContain("no environment 'nope'");
    const service = await cli('diff', copyExample(), '--service', 'nope', '--out', out());
    expect(service.code).toBe(2);
    expect(service.stderr).toContain("no service 'nope'");
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });

  it('says in one line that there are no credentials, and compares nothing', async () => {
    sts.on(GetCallerIdentityCommand).rejects(NONE);
    const { code, stderr } = await cli('diff', copyExample(), '--out', out());
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^cityplan: no AWS credentials were found in this shell/)]);
    expect(calls.diff).toEqual([]);
  });
});
