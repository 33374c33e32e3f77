/** The report's data builder: what it takes from the plan and the estate, and the costs it is given. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PlanResult, planEstate } from '../../src/estate/plan';
import { prepareEstate, type PreparedEstate } from '../../src/estate/prepare';
import { BUILT_IN_RUNBOOKS } from '../../src/manifest/runbooks';
import { NCSC_PRINCIPLES } from '../../src/policy/ncsc';
import { buildReportModel } from '../../src/report/build';
import { reportModel } from '../../src/report/model';
import { copyExample } from '../support/estate-files';
import { scratchFolders } from '../support/scratch';

const scratch = scratchFolders('cityplan-report-model-');
const NOW = new Date('2026-11-30T21:00:00Z');
let dir: string;
let prepared: PreparedEstate;
let plan: PlanResult;

beforeAll(async () => {
  dir = copyExample();
  // Switched off for one service: the report must not list it as enabled there.
  const file = join(dir, 'services/find-a-court.yaml');
  writeFileSync(file, `${readFileSync(file, 'utf8')}runbooks:\n  scale-out:\n    enabled: false\n`);
  prepared = prepareEstate(dir);
  plan = await planEstate(dir, { out: join(scratch(), 'cdk.out') }, prepared);
});

const model = (costs?: Parameters<typeof reportModel>[0]['costs']) => reportModel({ plan, spec: prepared.spec, plannedAt: NOW, version: '9.9.9', costs });

describe('report data', () => {
  it('holds the estate, each environment as planned, and every service with its manifest owner', () => {
    const m = model();
    expect(m.estate).toEqual({ name: 'justice', owner: prepared.spec.owner, region: 'eu-west-2' });
    expect(m.plannedAt).toBe('2026-11-30T21:00:00.000Z');
    expect(m.environments.map((e) => e.name)).toEqual(prepared.spec.environments.map((e) => e.name));
    for (const env of m.environments) {
      const specs = prepared.spec.services.get(env.name)!;
      expect(env.services.map((s) => s.name)).toEqual(specs.map((s) => s.name));
      for (const s of env.services) expect(s.owner).toBe(specs.find((x) => x.name === s.name)!.owner);
      expect(env.egress).toBe(prepared.spec.environments.find((e) => e.name === env.name)!.egress);
      expect(env.operations).toEqual(plan.environments.find((e) => e.name === env.name)!.operations);
    }
    const production = m.environments.find((e) => e.name === 'production')!;
    expect(production.protect).toBe(true);
    const visit = production.services.find((s) => s.name === 'book-a-prison-visit')!;
    expect(visit.urls).toEqual(plan.environments.find((e) => e.name === 'production')!.services.find((s) => s.name === 'book-a-prison-visit')!.urls);
    expect(visit.calls).toEqual(['prisoner-search-api']);
    expect(production.services.find((s) => s.name === 'prisoner-search-api')!.calledBy).toContain('book-a-prison-visit');
  });

  it("fills each shard's usage from the plan against the load balancer's limits", () => {
    for (const env of model().environments) {
      const planned = plan.environments.find((e) => e.name === env.name)!.shards;
      expect(env.shards.map((s) => [s.id, s.services.used, s.targetGroups.used, s.rules.used, s.certificates.used])).toEqual(
        planned.map((s) => [s.id, s.services, s.targetGroups, s.rules, s.certificates]),
      );
      for (const s of env.shards) expect([s.services.limit, s.targetGroups.limit, s.rules.limit, s.certificates.limit]).toEqual([95, 100, 100, 25]);
    }
  });

  it("names each service's alarms from its stack, its addons, and the runbooks that act for it", () => {
    const staging = model().environments.find((e) => e.name === 'staging')!;
    const money = staging.services.find((s) => s.name === 'send-money-to-prisoners')!;
    expect(money.alarms).toContain('justice-staging-send-money-to-prisoners-error-rate');
    expect(money.alarms).toContain('justice-staging-send-money-to-prisoners-log-pattern-1');
    expect(money.alarms.every((a) => a.startsWith('justice-staging-send-money-to-prisoners-'))).toBe(true);
    expect(money.addons).toEqual(['bucket (versioned)']);
    // The built-in ones, the estate's runbook for every service, and its own (runbooks/*.yaml names it).
    expect(money.runbooks).toEqual([...BUILT_IN_RUNBOOKS, 'capacity-shortfall', 'payments-unreachable']);
    const court = staging.services.find((s) => s.name === 'find-a-court')!;
    expect(court.runbooks).not.toContain('scale-out');
    expect(court.runbooks).not.toContain('payments-unreachable');
    expect(court.runbooks).toContain('crash-loop');
    expect(court.runbooks).toContain('capacity-shortfall');
    const notifications = staging.services.find((s) => s.name === 'court-case-notifications')!;
    expect(notifications.addons).toContain('queue');
  });

  it("counts each service's acknowledged findings from its own stack, and the NCSC table from the plan's", () => {
    const m = model();
    const perService = m.environments.flatMap((e) => e.services.map((s) => s.findings.acknowledged));
    expect(perService.every((n) => n > 0)).toBe(true);
    const serviceStacks = new Set(plan.environments.flatMap((e) => e.services.map((s) => s.stack)));
    expect(perService.reduce((a, b) => a + b, 0)).toBe(plan.findings.acknowledgements.filter((a) => serviceStacks.has(a.stack)).length);
    expect(m.findings).toEqual({ unacknowledged: 0, acknowledged: plan.findings.acknowledged });
    expect(m.principles.map((p) => p.name)).toEqual(NCSC_PRINCIPLES.map((p) => p.name));
    const acked = m.principles.flatMap((p) => p.plan).reduce((n, r) => n + r.acknowledged, 0);
    expect(acked).toBeGreaterThan(0);
  });

  it('lists services in natural order (web-2 before web-10), whatever order the plan gives', () => {
    const names = ['web-10', 'web-2', 'web-1'];
    const env = plan.environments[0]!;
    const renamed = { ...plan, environments: [{ ...env, services: names.map((name, i) => ({ ...env.services[i]!, name })) }] };
    const listed = reportModel({ plan: renamed, spec: prepared.spec, plannedAt: NOW, version: '9.9.9' }).environments[0]!.services.map((s) => s.name);
    expect(listed).toEqual(['web-1', 'web-2', 'web-10']);
  });

  it('shows no cost without an estimate, and the estimate by environment and service with one', () => {
    for (const env of model().environments) {
      expect(env.monthly).toBeUndefined();
      expect(env.services.every((s) => s.monthly === undefined)).toBe(true);
    }
    const costs = { environments: [{ name: 'production', monthly: 1234.5, services: [{ name: 'find-a-court', monthly: 98.76 }] }] };
    const m = model(costs);
    const production = m.environments.find((e) => e.name === 'production')!;
    expect(production.monthly).toBe(1234.5);
    expect(production.services.find((s) => s.name === 'find-a-court')!.monthly).toBe(98.76);
    // Not given: still none, not zero.
    expect(production.services.find((s) => s.name === 'book-a-prison-visit')!.monthly).toBeUndefined();
    expect(m.environments.find((e) => e.name === 'staging')!.monthly).toBeUndefined();
  });

  it('buildReportModel plans as plan does and passes the estate and allocation to the cost model', async () => {
    let seen: string[] = [];
    const m = await buildReportModel(dir, {
      now: NOW,
      estimate: (spec, allocation) => {
        seen = [spec.name, ...allocation.keys()];
        return { environments: [{ name: 'staging', monthly: 10, services: [] }] };
      },
    });
    expect(seen).toEqual(['justice', 'staging', 'production']);
    expect(m.environments.find((e) => e.name === 'staging')!.monthly).toBe(10);
    await expect(buildReportModel(dir, { diagramEnvironment: 'prod' })).rejects.toThrow(/did you mean production/);
  });
});
