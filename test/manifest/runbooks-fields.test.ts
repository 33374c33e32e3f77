/** The manifest fields of the runbook responder: service `runbooks` and `logs`, environment `runbooks`. */
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const visits = (extra: string, estate = MINIMAL_ESTATE) => ({ 'estate.yaml': estate, 'services/visits.yaml': webService('visits', extra) });

describe('runbook fields', () => {
  it('names the built-in runbook nearest to a misspelt one, at its line', () => {
    const problems = estateProblems(visits('runbooks:\n  crashloop:\n    stops: 5\n'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'services/visits.yaml', line: 7, field: 'runbooks.crashloop' });
    expect(problems[0]!.message).toContain('crash-loop');
  });

  it("says an estate runbook's name is not tuned per service, listing the built-ins", () => {
    const [problem] = estateProblems(visits('runbooks:\n  hello-slow:\n    enabled: false\n'));
    expect(problem).toMatchObject({ field: 'runbooks.hello-slow' });
    expect(problem!.message).toContain('a service tunes only the built-in runbooks (deploy-regression, scale-out');
    expect(problem!.message).toContain('runbooks/hello-slow.yaml');
  });

  it('refuses a tuning field a runbook does not take and a value out of range', () => {
    const problems = estateProblems(visits('runbooks:\n  scale-out:\n    stops: 5\n  crash-loop:\n    within: 600\n'));
    expect(problems.map((p) => p.field)).toEqual(['runbooks.scale-out.stops', 'runbooks.crash-loop.within']);
    expect(problems[1]!.message).toContain('at most 60');
  });

  it('refuses a log retention CloudWatch Logs does not offer, naming the ones it does', () => {
    const [problem] = estateProblems(visits('logs:\n  retention: 45\n'));
    expect(problem).toMatchObject({ field: 'logs.retention', line: 7 });
    expect(problem!.message).toContain('30, 60');
  });

  it('refuses more regular expressions in alarmOn than CloudWatch Logs allows on one log group', () => {
    const [problem] = estateProblems(visits('logs:\n  alarmOn: ["%a% %b%", "%c% %d%", "%e% %f%"]\n'));
    expect(problem).toMatchObject({ field: 'logs.alarmOn' });
    expect(problem!.message).toContain('5 regular expressions (%…%) in all');
  });

  it('refuses three regular expressions in one pattern at that pattern', () => {
    const [problem] = estateProblems(visits('logs:\n  alarmOn:\n    - payment failed\n    - "%a% %b% %c%"\n'));
    expect(problem).toMatchObject({ field: 'logs.alarmOn[1]', line: 9 });
  });

  it.each([
    ['{ $.level = "error"', "closing '}'"],
    ['"x', 'opening "'],
    ['{ $.a = 1 } garbage', "'garbage' after the JSON pattern's closing '}'"],
    ['%[%', 'does not compile'],
    ['%(a|b)%', "uses '('"],
    ['{ level = 1 }', '$.'],
    ['[ip, user', 'one [ … ]'],
  ])('refuses the malformed filter pattern %s at its item, saying why', (pattern, why) => {
    const problems = estateProblems(visits(`logs:\n  alarmOn:\n    - payment failed\n    - ${JSON.stringify(pattern)}\n`));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'logs.alarmOn[1]', line: 9 });
    expect(problems[0]!.message).toContain(why);
  });

  it('accepts well-formed patterns of every kind', () => {
    const patterns = ['payment failed', '"payment provider unreachable"', '{ $.level = "FATAL" }', '{ ($.status >= 500) && ($.path = "/pay*") }', '[ip, user, status = 5*]', '%[Ee]rror|[Ff]ail%', '{ $.msg = %timeout-[0-9]+% }', '"a \\"quoted\\" word"'];
    expect(() => loadEstate(writeEstate(visits(`logs:\n  alarmOn: ${JSON.stringify(patterns)}\n`)))).not.toThrow();
  });

  it('carries tuning, log patterns and the environment dry run into the spec, with defaults', () => {
    const estate = MINIMAL_ESTATE.replace(/(\n {2}staging:\n)/, '$1    runbooks:\n      dryRun: true\n');
    const spec = loadEstate(writeEstate(visits('logs:\n  alarmOn: ["payment failed"]\nrunbooks:\n  crash-loop: {stops: 5}\n', estate)));
    const staging = spec.environments.find((e) => e.name === 'staging')!;
    expect(staging.runbooks).toEqual({ dryRun: true, maxActionsPerHour: 6 });
    expect(spec.environments.find((e) => e.name === 'production')!.runbooks.dryRun).toBe(false);
    const svc = spec.services.get('staging')![0]!;
    expect(svc.runbooks).toEqual({ 'crash-loop': { stops: 5 } });
    expect(svc.logs).toEqual({ alarmOn: ['payment failed'] });
  });
});
