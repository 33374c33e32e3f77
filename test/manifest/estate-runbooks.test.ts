/** The estate's own runbooks (runbooks/*.yaml): loaded into the spec, every mistake at its line. */
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const files = (runbooks: Record<string, string>) => ({
  'estate.yaml': MINIMAL_ESTATE,
  'services/visits.yaml': webService('visits'),
  ...Object.fromEntries(Object.entries(runbooks).map(([name, text]) => [`runbooks/${name}.yaml`, text])),
});

describe("the estate's own runbooks", () => {
  it('are read into the spec, sorted by name', () => {
    const spec = loadEstate(
      writeEstate(
        files({
          'slow-visits': 'name: slow-visits\ntrigger:\n  alarm: latency-p99\nservices: [visits]\nwhen:\n  deployedWithin: 20\nactions: [rollback, notify]\n',
          'capacity': 'name: capacity\ntrigger:\n  event: placement-failure\nactions: [notify]\nenvironments: [staging]\n',
        }),
      ),
    );
    expect(spec.runbooks!.map((r) => r.name)).toEqual(['capacity', 'slow-visits']);
    expect(spec.runbooks![1]).toEqual({ name: 'slow-visits', trigger: { alarm: 'latency-p99' }, services: ['visits'], when: { deployedWithin: 20 }, actions: ['rollback', 'notify'] });
  });

  it('name each mistake with file, line and field, and a right value', () => {
    const problems = estateProblems(
      files({
        typo: 'name: typo\ntrigger:\n  alarm: latency\nactions: [notifyy]\n',
        both: 'name: both\ntrigger:\n  alarm: log-fatal\n  event: task-stopped\nservices: [nope]\nactions: [notify]\n',
        'unknown-service': 'name: unknown-service\ntrigger:\n  event: task-stopped\nservices: [visit]\nactions: [notify]\n',
        'crash-loop': 'name: crash-loop\ntrigger:\n  event: task-stopped\nactions: [notify]\n',
        'wrong-action': 'name: wrong-action\ntrigger:\n  event: health-event\nactions: [notify, rollback]\n',
        'other-name': 'name: something-else\ntrigger:\n  event: health-event\nactions: [notify]\n',
        extra: 'name: extra\ntrigger:\n  event: health-event\nactoins: [notify]\n',
      }),
    );
    const where = problems.map((p) => `${p.file}:${p.line} ${p.field}`);
    expect(where).toEqual(
      expect.arrayContaining([
        'runbooks/typo.yaml:3 trigger.alarm',
        'runbooks/typo.yaml:4 actions[0]',
        'runbooks/both.yaml:3 trigger',
        'runbooks/both.yaml:5 services[0]',
        'runbooks/unknown-service.yaml:4 services[0]',
        'runbooks/crash-loop.yaml:1 name',
        'runbooks/wrong-action.yaml:4 actions[1]',
        'runbooks/other-name.yaml:1 name',
        'runbooks/extra.yaml:4 actoins',
      ]),
    );
    const message = (file: string) => problems.find((p) => p.file === `runbooks/${file}.yaml`)!.message;
    expect(message('unknown-service')).toContain("did you mean 'visits'");
    expect(message('crash-loop')).toContain('defaults.runbooks.crash-loop');
    expect(message('wrong-action')).toContain('use notify or escalate');
    expect(message('extra')).toContain("did you mean 'actions'");
    expect(problems.find((p) => p.field === 'actions[0]' && p.file === 'runbooks/typo.yaml')!.message).toBe('notifyy is not one of notify, escalate, rollback, force-deployment, scale-out, stop-task; did you mean - notify?');
  });

  it('refuses a log-pattern alarm no service in scope has, at the trigger', () => {
    const lp = (n: number, services = '') => `name: lp${n}\ntrigger:\n  alarm: log-pattern-${n}\n${services}actions: [notify]\n`;
    const withPatterns = { 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits', 'logs:\n  alarmOn: [a, b]\n'), 'services/other.yaml': webService('other') };
    const problems = estateProblems({ ...withPatterns, 'runbooks/lp9.yaml': lp(9), 'runbooks/lp1.yaml': lp(1, 'services: [other]\n') });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}`).sort()).toEqual(['runbooks/lp1.yaml:3 trigger.alarm', 'runbooks/lp9.yaml:3 trigger.alarm']);
    expect(problems.find((p) => p.file === 'runbooks/lp9.yaml')!.message).toContain('visits has 2');
    expect(() => loadEstate(writeEstate({ ...withPatterns, 'runbooks/lp2.yaml': lp(2) }))).not.toThrow();
  });

  it('that take more than one SSM parameter holds are a problem at the largest, not a plan failure', () => {
    const long = (n: number) => `name: rb-${n}\ndescription: ${'x'.repeat(190)}\ntrigger:\n  event: health-event\nactions: [notify]\n`;
    const runbooks = Object.fromEntries(Array.from({ length: 40 }, (_, n) => [`rb-${n}`, long(n)]));
    runbooks['rb-big'] = `name: rb-big\ndescription: ${'y'.repeat(200)}\ntrigger:\n  event: health-event\nservices: [visits]\nactions: [notify]\n`;
    const problems = estateProblems(files(runbooks));
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual(['runbooks/rb-big.yaml:1 name']);
    expect(problems[0]!.message).toMatch(/more than the 8192 bytes of JSON one SSM parameter holds \(staging \d+ bytes, production \d+ bytes\)/);
    // Half in each environment, the same runbooks fit.
    const split = Object.fromEntries(Object.entries(runbooks).map(([k, v], i) => [k, `${v}environments: [${i % 2 ? 'production' : 'staging'}]\n`]));
    expect(() => loadEstate(writeEstate(files(split)))).not.toThrow();
  });
});
