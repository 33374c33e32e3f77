import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { CITYPLAN_RULES } from '../../src/policy/cityplan-pack';
import { managedRules } from '../../src/policy/config/managed-rules';
import { NCSC_PRINCIPLES } from '../../src/policy/ncsc';
import { copyExample } from '../support/estate-files';

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}

/** Every rule id the packs can report: AwsSolutions by suffix, NIST by rule name, cityplan's own. */
function knownPlanRules(): Set<string> {
  const packs = 'node_modules/cdk-nag/lib/packs';
  const aws = [...readFileSync(join(packs, 'aws-solutions.js'), 'utf8').matchAll(/ruleSuffixOverride: '([A-Z0-9]+)'/g)].map((m) => `AwsSolutions-${m[1]}`);
  const nist = [...readFileSync(join(packs, 'nist-800-53-r5.js'), 'utf8').matchAll(/rule: [a-z0-9_]+\.([A-Za-z0-9]+)/g)].map((m) => `NIST.800.53.R5-${m[1]}`);
  return new Set([...aws, ...nist, ...CITYPLAN_RULES.map((r) => `Cityplan-${r.name}`)]);
}

describe('the NCSC principles table', () => {
  it('has the 14 principles, each rule a real one: a plan-time rule of a pack the plan runs, a Config rule cityplan creates', () => {
    expect(NCSC_PRINCIPLES.map((p) => p.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const known = knownPlanRules();
    const config = new Set(managedRules(30).map((r) => r.name));
    for (const p of NCSC_PRINCIPLES) {
      for (const r of p.planRules) expect(known.has(r), `${p.name}: ${r}`).toBe(true);
      for (const r of p.configRules) expect(config.has(r), `${p.name}: ${r}`).toBe(true);
      // A principle without a technical check says what covers it.
      if (p.planRules.length + p.configRules.length === 0) expect(p.note).toBeDefined();
    }
    // Every rule of cityplan's own and every Config rule is placed under some principle.
    const placedPlan = new Set(NCSC_PRINCIPLES.flatMap((p) => p.planRules));
    for (const r of CITYPLAN_RULES) expect(placedPlan.has(`Cityplan-${r.name}`), r.name).toBe(true);
    const placedConfig = new Set(NCSC_PRINCIPLES.flatMap((p) => p.configRules));
    expect([...config].filter((r) => !placedConfig.has(r))).toEqual([]);
  });
});

describe('cityplan policy', () => {
  it('prints the table for the example estate with its results from the plan, and exits 0 when clean', async () => {
    const dir = copyExample();
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const { code, stdout } = await cli('policy', dir, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as {
      estate: string;
      principles: Array<{ number: number; name: string; plan: Array<{ rule: string; unacknowledged: number; acknowledged: number }>; config: string[] }>;
      findings: { unacknowledged: number; acknowledged: number };
      problems: unknown[];
    };
    expect(json.estate).toBe('justice');
    expect(json.findings.unacknowledged).toBe(0);
    expect(json.problems).toEqual([]);
    const byNumber = new Map(json.principles.map((p) => [p.number, p]));
    // The default security group: closed by Config remediation, so its plan-time rule is acknowledged in each environment's foundation.
    expect(byNumber.get(3)!.plan.find((r) => r.rule === 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed')).toEqual({ rule: 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed', unacknowledged: 0, acknowledged: 2 });
    expect(byNumber.get(3)!.config).toContain('vpc-default-security-group-closed');
    // Wildcard resources are acknowledged somewhere in the example, each with a reason.
    expect(byNumber.get(9)!.plan.find((r) => r.rule === 'AwsSolutions-IAM5')!.acknowledged).toBeGreaterThan(0);
    expect(json.findings.acknowledged).toBeGreaterThan(100);
    // Nothing written: the lock is as it was.
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);

    const text = await cli('policy', dir);
    expect(text.stdout).toContain('11. External interface protection');
    expect(text.stdout).toMatch(/no unacknowledged findings, \d+ acknowledged/);
  }, 120_000);

  it('exits 1 without a table when a service runs as root without a reason: validation refuses it first', async () => {
    const dir = copyExample();
    const file = join(dir, 'services/find-a-court.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}user: root\n`);
    const { code, stdout, stderr } = await cli('policy', dir, '--json');
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as { problems: Array<{ file: string; field: string; message: string }> };
    expect(json.problems).toEqual([expect.objectContaining({ file: 'services/find-a-court.yaml', field: 'user', message: expect.stringContaining('rootReason') })]);
    expect(stderr).not.toContain('internal error');
  }, 120_000);

  it('is a usage error without a folder', async () => {
    expect((await cli('policy')).code).toBe(2);
  });
});
