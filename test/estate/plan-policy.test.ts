import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { planEstate } from '../../src/estate/plan';
import { EstateError } from '../../src/manifest/problems';
import { copyExample } from '../support/estate-files';

// GIVEN a policy pack that finds a problem in one service's stack
vi.mock('../../src/policy/packs', async (original) => ({
  ...(await original<typeof import('../../src/policy/packs')>()),
  checkPolicy: () => [
    {
      rule: 'AwsSolutions-IAM5[Resource::*]',
      description: 'The IAM entity contains wildcard permissions.',
      path: 'justice-staging-find-a-court/Task/TaskRole/DefaultPolicy/Resource',
    },
    { rule: 'Cityplan-NonRootContainers', description: 'A container runs as root.', path: 'justice-staging-find-a-court/Task/Resource' },
  ],
}));

describe('plan with an unacknowledged policy finding', () => {
  it('fails, names the service manifest and the resource, and writes neither assembly nor lock', async () => {
    const dir = copyExample();
    // No lock yet: a successful plan would write one.
    rmSync(join(dir, 'cityplan.lock.json'));
    const out = join(dir, '..', 'cdk.out');
    const file = join(dir, 'services/find-a-court.yaml');
    const before = readFileSync(file, 'utf8').trimEnd();
    writeFileSync(file, `${before}\nuser: "0"\nrootReason: The image binds port 80 itself before dropping to its own user\n`);
    const USER_LINE = before.split('\n').length + 1;

    const failure = await planEstate(dir, { environment: 'staging', out }).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(EstateError);
    expect((failure as EstateError).problems).toEqual([
      {
        file: 'services/find-a-court.yaml',
        field: 'justice-staging-find-a-court/Task/TaskRole/DefaultPolicy/Resource',
        message: 'AwsSolutions-IAM5[Resource::*]: The IAM entity contains wildcard permissions.',
      },
      // A rule whose remedy is one field of the manifest: at that field's line.
      {
        file: 'services/find-a-court.yaml',
        line: USER_LINE,
        column: 7,
        field: 'user',
        message: 'Cityplan-NonRootContainers: A container runs as root. (justice-staging-find-a-court/Task/Resource)',
      },
    ]);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, 'cityplan.lock.json'))).toBe(false);
  });
});
