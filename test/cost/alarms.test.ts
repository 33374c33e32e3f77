/**
 * The alarms the cost model counts for a service are the alarms its synthesized stack holds: a
 * construct that gains or loses an alarm fails this test until src/cost/alarms.ts follows.
 * Synthesizes the example estate (every kind) and one canary service (two target groups).
 */
import { describe, expect, it } from 'vitest';
import { alarmsOf } from '../../src/cost/alarms';
import { stackName } from '../../src/naming/names';
import { compile } from '../support/compile';
import { STAGING_ESTATE, webService } from '../support/estate-files';

function alarmCounts(compiled: ReturnType<typeof compile>, env: string) {
  return compiled.spec.services.get(env)!.map((s) => ({
    service: s.name,
    kind: s.kind,
    synthesized: Object.keys(compiled.template(stackName.service(compiled.spec.name, env, s.name)).findResources('AWS::CloudWatch::Alarm')).length,
    counted: alarmsOf(s).alarms,
  }));
}

describe('alarmsOf', () => {
  it('counts the alarms each kind of service stack creates', () => {
    const counts = alarmCounts(compile('examples/justice'), 'production');
    expect(new Set(counts.map((c) => c.kind))).toEqual(new Set(['web', 'backend', 'worker', 'job']));
    for (const c of counts) expect({ service: c.service, alarms: c.counted }).toEqual({ service: c.service, alarms: c.synthesized });
  });

  it('counts alarmOn patterns and a canary service', () => {
    const files = {
      'estate.yaml': STAGING_ESTATE,
      'services/web.yaml': webService('web', 'deploy: {strategy: canary}\nlogs:\n  alarmOn: ["payment provider unreachable", "card declined"]\n'),
    };
    const [c] = alarmCounts(compile(files), 'staging');
    expect(c!.counted).toBe(c!.synthesized);
    // 3 web + 2 anomaly + log error rate, fatal, 2 patterns, log anomalies
    expect(c!.counted).toBe(10);
  });
});
