import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../support/compile';

const PACKAGE = 'node_modules/@cdklabs/cdk-validator-cfnguard';
const RULES = join(PACKAGE, 'rules/control-tower/cfn-guard');

/** The cfn-guard binary the package ships for this machine (as its plugin picks it). */
function guardBinary(): string {
  const os = { linux: 'ubuntu', darwin: 'macos' }[platform() as string];
  const cpu = { x64: 'x86_64', arm64: 'aarch64' }[arch() as string];
  if (!os || !cpu) throw new Error(`cfn-guard is shipped for linux and macOS on x64 and arm64, not ${platform()} ${arch()}`);
  return join(PACKAGE, 'bin', os, cpu, 'cfn-guard');
}

/** Every .guard file under a folder. */
function guardFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? guardFiles(join(dir, e.name)) : e.name.endsWith('.guard') ? [join(dir, e.name)] : []));
}

/**
 * The rules of the documented table in docs/policy.md (between the guard-table markers): rule name
 * → decision (`accepted` or `fixed`).
 */
function documentedTable(): Map<string, string> {
  const text = readFileSync('docs/policy.md', 'utf8');
  const table = text.slice(text.indexOf('<!-- guard-table:start -->'), text.indexOf('<!-- guard-table:end -->'));
  const rows = [...table.matchAll(/^\| `([a-z0-9_]+)` \| (accepted|fixed) \| (.+) \|$/gm)];
  for (const row of rows) expect(row[3]!.length, `the reason for ${row[1]}`).toBeGreaterThan(40);
  return new Map(rows.map((r) => [r[1]!, r[2]!]));
}

describe('AWS Control Tower proactive controls (cfn-guard), a second opinion on the example estate', () => {
  it('fail exactly the rules docs/policy.md lists as accepted, and none it lists as fixed', () => {
    const { app } = compile('examples/justice');
    const assembly = app.synth();
    const templates = assembly.stacks.map((s) => join(assembly.directory, s.templateFile));
    const text = templates.map((t) => readFileSync(t, 'utf8')).join('\n');
    // Only the rule files about a resource type the templates hold: a rule passes (skips) a
    // template without its type, and cfn-guard's time grows with rules × templates.
    const types = new Set([...text.matchAll(/"Type": "(AWS::[A-Za-z0-9:]+)"/g)].map((m) => m[1]!));
    const rules = guardFiles(RULES).filter((f) => {
      const rule = readFileSync(f, 'utf8');
      return [...types].some((t) => rule.includes(t));
    });
    expect(rules.length).toBeGreaterThan(20);
    let output: string;
    try {
      output = execFileSync(guardBinary(), ['validate', ...rules.flatMap((r) => ['--rules', r]), ...templates.flatMap((t) => ['--data', t]), '--output-format', 'json', '--show-summary', 'none', '--structured'], {
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch (e) {
      // cfn-guard exits 19 when a rule fails; its report is still on stdout.
      const failed = e as { status?: number; stdout?: string };
      if (failed.status !== 19 || !failed.stdout) throw e;
      output = failed.stdout;
    }
    const results = JSON.parse(output) as Array<{ name: string; not_compliant: Array<{ Rule: { name: string } }> }>;
    expect(results.length).toBe(templates.length);
    const failing = new Set(results.flatMap((r) => r.not_compliant.map((c) => c.Rule.name)));
    const table = documentedTable();
    const accepted = [...table].filter(([, d]) => d === 'accepted').map(([r]) => r);
    const fixed = [...table].filter(([, d]) => d === 'fixed').map(([r]) => r);
    expect([...failing].filter((r) => !table.has(r)).sort(), 'failing rules docs/policy.md does not list').toEqual([]);
    expect(accepted.filter((r) => !failing.has(r)).sort(), 'listed as accepted but no longer failing: mark them fixed or remove them').toEqual([]);
    expect(fixed.filter((r) => failing.has(r)).sort(), 'listed as fixed but failing again').toEqual([]);
  }, 180_000);
});
