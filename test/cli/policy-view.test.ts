/** `cityplan policy`'s readable table: fits a terminal, says each environment's run-time services, and says why there is no table. */
import { describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { copyExample } from '../support/estate-files';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

describe('cityplan policy', () => {
  it('wraps at 100 columns and names each environment\'s Config recorder and GuardDuty', async () => {
    const { code, stdout } = await cityplan('policy', 'examples/justice');
    expect(code).toBe(0);
    expect(Math.max(...stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(stdout).toContain("  production:\n    Config recorder: the account's own (config.recorder: false)\n    GuardDuty: the account's own (guardduty: false)");
    expect(stdout).toMatch(/^1\. Data in transit protection\n {3}plan: {3}AwsSolutions-ELB2,/m);
  });

  it('an estate that does not validate: the problems, and why no table', async () => {
    const dir = copyExample();
    const file = join(dir, 'services/find-a-court.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^owner: .*$/m, 'owner: not-an-email'));
    const { code, stdout, stderr } = await cityplan('policy', dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('the policy table needs a valid estate to plan');
  });
});
