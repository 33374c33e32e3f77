/** Report models made by hand, for the page's tests: no plan needed to lay one out. */
import type { ReportEnvironment, ReportModel, ReportService } from '../../src/report/model';
import { principleResults } from '../../src/policy/ncsc';

/** Text that would run script or break out of an attribute if it reached the page unescaped. */
export const HOSTILE = `"'><script>alert("owned")</script><img src=x onerror="alert(1)">&amp;`;

export function service(name: string, extra: Partial<ReportService> = {}): ReportService {
  return {
    name,
    kind: 'web',
    owner: 'team@example.gov.uk',
    urls: [`https://${name}.staging.example.gov.uk`],
    addons: [],
    calls: [],
    calledBy: [],
    shard: 0,
    alarms: [`test-staging-${name}-error-rate`],
    runbooks: ['crash-loop'],
    findings: { unacknowledged: 0, acknowledged: 2 },
    ...extra,
  };
}

export function environment(name: string, services: readonly ReportService[], extra: Partial<ReportEnvironment> = {}): ReportEnvironment {
  return {
    name,
    account: '111111111111',
    region: 'eu-west-2',
    domain: `${name}.example.gov.uk`,
    protect: false,
    zones: 2,
    capacity: 'on-demand',
    egress: 'nat-single',
    operations: { responderDryRun: false, configRecorder: false, guardduty: false },
    shards: [{ id: 0, services: { used: services.length, limit: 95 }, targetGroups: { used: services.length, limit: 100 }, rules: { used: services.length, limit: 100 }, certificates: { used: 0, limit: 25 } }],
    services,
    ...extra,
  };
}

export function model(environments: readonly ReportEnvironment[], extra: Partial<ReportModel> = {}): ReportModel {
  return {
    estate: { name: 'test', owner: 'platform@example.gov.uk', region: 'eu-west-2' },
    plannedAt: '2026-11-30T21:00:00.000Z',
    version: '0.1.0',
    environments,
    principles: principleResults([], []),
    findings: { unacknowledged: 0, acknowledged: 4 },
    ...extra,
  };
}

/** Hostile text in every free-text place of a model: owners, URLs, addons, alarms, domain, policy notes. */
export function hostileModel(): ReportModel {
  const s = service('web-one', {
    owner: HOSTILE,
    urls: [`https://x.example.gov.uk/${HOSTILE}`, `javascript:alert(3)`],
    addons: [HOSTILE],
    alarms: [HOSTILE],
    runbooks: [HOSTILE],
    calls: ['backend-one'],
  });
  const b = service('backend-one', { kind: 'backend', shard: undefined, urls: ['http://backend-one:8080'], addons: [HOSTILE], calledBy: ['web-one'] });
  const principles = principleResults([], []).map((p, i) => (i === 0 ? { ...p, name: HOSTILE, note: HOSTILE, configRules: [HOSTILE] } : p));
  return model([environment('staging', [s, b], { domain: HOSTILE, account: HOSTILE })], { estate: { name: 'test', owner: HOSTILE, region: 'eu-west-2' }, principles, version: HOSTILE });
}
