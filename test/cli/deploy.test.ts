import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackParameters, StackSelectionStrategy } from '@aws-cdk/toolkit-lib';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { copyExample } from '../support/estate-files';

// GIVEN a toolkit that records what it is asked to deploy instead of calling AWS
const calls = vi.hoisted(() => ({ directory: '', deploy: [] as unknown[], fail: false }));
vi.mock('@aws-cdk/toolkit-lib', async (original) => {
  const real = await original<typeof import('@aws-cdk/toolkit-lib')>();
  class Toolkit {
    async fromAssemblyDirectory(directory: string) {
      calls.directory = directory;
      return { directory };
    }
    async deploy(_assembly: unknown, options: unknown) {
      calls.deploy.push(options);
      if (calls.fail) throw new Error('Need to perform AWS calls for account 222222222222, but no credentials have been configured');
      return { stacks: [] };
    }
  }
  return { ...real, Toolkit };
});

async function deploy(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', 'deploy', ...args], { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}


describe('cityplan deploy', () => {
  beforeEach(() => {
    calls.deploy = [];
    calls.fail = false;
  });

  it('deploys exactly the planned stacks from the planned assembly, keeping deployed parameter values', async () => {
    const dir = copyExample();
    const out = join(dir, '..', 'assembly');
    const { code } = await deploy(dir, '--env', 'staging', '--service', 'find-a-court', '--out', out);
    expect(code).toBe(0);
    expect(calls.directory).toBe(out);
    expect(calls.deploy).toEqual([
      {
        stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: ['justice-staging-find-a-court'] },
        parameters: StackParameters.onlyExisting(),
      },
    ]);
  });

  it('exits 1 with the toolkit message, and no stack trace, when AWS refuses', async () => {
    calls.fail = true;
    const { code, stderr } = await deploy(copyExample(), '--env', 'staging', '--out', join(tmpdir(), `cityplan-deploy-${process.pid}`));
    expect(code).toBe(1);
    expect(stderr).toContain('deploy failed: Need to perform AWS calls for account 222222222222');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('deploys nothing when the plan fails', async () => {
    const dir = copyExample();
    const { code } = await deploy(dir, '--env', 'nowhere');
    expect(code).toBe(2);
    expect(calls.deploy).toEqual([]);
  });
});
