import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { SCHEDULE_PATTERN, scheduleProblem } from '../../src/manifest/schedule';
import { MINIMAL_ESTATE, writeEstate } from '../support/estate-files';

const pattern = new RegExp(SCHEDULE_PATTERN);

/** Every cron(...) and rate(...) a message offers as the right value, leaving out the syntax line. */
function offered(message: string): string[] {
  return [...message.matchAll(/(cron|rate)\([^()]*\)/g)].map((m) => m[0]).filter((e) => !/value unit|minutes hours/.test(e));
}

describe('scheduleProblem accepts', () => {
  // The examples of "Schedule expressions for rules" in the Amazon EventBridge User Guide.
  it.each([
    'cron(0 10 * * ? *)',
    'cron(15 12 * * ? *)',
    'cron(0 18 ? * MON-FRI *)',
    'cron(0 8 1 * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(0/10 * ? * MON-FRI *)',
    'cron(0/5 8-17 ? * MON-FRI *)',
    'cron(0 9 ? * 2#1 *)',
    'cron(0 0 L * ? *)',
    'cron(0 0 ? * 6L *)',
    'rate(1 minute)',
    'rate(5 minutes)',
    'rate(1 hour)',
    'rate(7 days)',
  ])('%s, from the AWS documentation', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
    expect(expression).toMatch(pattern);
  });

  it.each([
    'cron(0 2 * * ? *)',
    'cron(* * * * ? *)',
    'cron(*/5 * * * ? *)',
    'cron(10-30/5 9 * * ? *)',
    'cron(0 2 LW * ? *)',
    'cron(0 2 15W * ? *)',
    'cron(0 2 1,15 JAN,JUL ? 2030-2035)',
    'cron(0 2 ? jan-mar mon,wed,fri *)',
    'cron(0 2 ? * L *)',
    'cron(0 2 ? * FRIL *)',
    'cron(0 2 ? * MON#5 *)',
    'cron(05 00 * * ? *)',
    'cron(59 23 31 12 ? 2199)',
    'cron(0 0 1 1 ? 1970)',
    'cron(0 0 1/31 1/12 ? 1970/229)',
    'rate(1 day)',
    'rate(90 minutes)',
    'rate(1000 days)',
  ])('%s', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
    expect(expression).toMatch(pattern);
  });
});

describe('scheduleProblem refuses', () => {
  it.each([
    // The cases of the issue.
    ['cron(0 25 * * ? *)', 'hour 25 is out of range 0-23: cron(0 23 * * ? *)'],
    ['rate(1 minutes)', 'say rate(1 minute): singular for 1'],
    ['rate(0 days)', 'the rate must be at least 1, such as rate(1 day)'],
    [
      'cron(0 2 * * *)',
      'cron needs six fields (minutes hours day-of-month month day-of-week year); this has 5. Did you mean cron(0 2 * * ? *)?',
    ],
    // Rates.
    ['rate(5 minute)', 'say rate(5 minutes): plural for more than 1'],
    ['rate(1 hours)', 'say rate(1 hour): singular for 1'],
    ['rate(-5 minutes)', 'the rate must be at least 1, such as rate(1 minute)'],
    ['rate(1.5 hours)', 'the rate must be a whole number of hours: rate(90 minutes)'],
    ['rate(05 minutes)', 'write the value without leading zeros: rate(5 minutes)'],
    ['rate(five minutes)', "the rate's value must be a whole number, such as rate(5 minutes)"],
    ['rate(5 Minutes)', 'write the unit in lower case: rate(5 minutes)'],
    ['rate(2 weeks)', 'there is no week unit; say rate(14 days)'],
    ['rate(5 mins)', 'the unit must be minute(s), hour(s) or day(s); did you mean rate(5 minutes)?'],
    ['rate(30 seconds)', 'EventBridge runs a rule at most once a minute: rate(1 minute)'],
    ['rate(1 month)', 'a rate counts minutes, hours or days; for every month use cron, such as cron(0 2 1 * ? *)'],
    ['rate(1 year)', 'a rate counts minutes, hours or days; for every year use cron, such as cron(0 2 1 1 ? *)'],
    ['rate(5)', 'rate needs a value and a unit, such as rate(5 minutes) or rate(1 day)'],
    ['rate()', 'rate needs a value and a unit, such as rate(5 minutes) or rate(1 day)'],
    // The expression as a whole.
    ['RATE(5 minutes)', 'write rate in lower case: rate(5 minutes)'],
    ['cron(0  2 * * ? *)', 'separate the parts with single spaces, without spaces inside the brackets: cron(0 2 * * ? *)'],
    ['cron( 0 2 * * ? *)', 'separate the parts with single spaces, without spaces inside the brackets: cron(0 2 * * ? *)'],
    [' rate(1 hour)', 'remove the spaces around the expression: rate(1 hour)'],
    ['Cron(0 25 * * ? *)', 'hour 25 is out of range 0-23: cron(0 23 * * ? *) (and write cron in lower case)'],
    [
      '0 2 * * *',
      'must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), such as cron(0 2 * * ? *) or rate(1 hour); did you mean cron(0 2 * * ? *)?',
    ],
    ['every day', 'must be cron(minutes hours day-of-month month day-of-week year) or rate(value unit), such as cron(0 2 * * ? *) or rate(1 hour)'],
    // Field counts.
    [
      'cron(0 2 * * 1-5)',
      'cron needs six fields (minutes hours day-of-month month day-of-week year); this has 5. Did you mean cron(0 2 ? * 2-6 *)? (EventBridge counts days of the week from 1 = Sunday)',
    ],
    [
      'cron(0 0 2 * * ? *)',
      'cron needs six fields (minutes hours day-of-month month day-of-week year); this has 7 (EventBridge has no seconds field). Did you mean cron(0 2 * * ? *)?',
    ],
    ['cron()', 'cron needs six fields (minutes hours day-of-month month day-of-week year); this has 0. Did you mean cron(0 2 * * ? *)?'],
    // Day-of-month and day-of-week.
    ['cron(0 2 * * * *)', 'day-of-month and day-of-week cannot both be set; one of them must be ?: cron(0 2 * * ? *)'],
    ['cron(0 2 * * MON *)', 'day-of-month and day-of-week cannot both be set; one of them must be ?: cron(0 2 ? * MON *)'],
    ['cron(0 2 1 * MON *)', 'day-of-month and day-of-week cannot both be set; one of them must be ?: cron(0 2 1 * ? *) or cron(0 2 ? * MON *)'],
    ['cron(0 2 ? * ? *)', 'day-of-month and day-of-week cannot both be ?; set one of them, such as cron(0 2 * * ? *) or cron(0 2 ? * MON-FRI *)'],
    // Ranges of each field.
    ['cron(60 2 * * ? *)', 'minute 60 is out of range 0-59: cron(59 2 * * ? *)'],
    ['cron(0 2 32 * ? *)', 'day of the month 32 is out of range 1-31: cron(0 2 31 * ? *)'],
    ['cron(0 2 0 * ? *)', 'day of the month 0 is out of range 1-31: cron(0 2 1 * ? *)'],
    ['cron(0 2 1 13 ? *)', 'month 13 is out of range 1-12 or JAN-DEC: cron(0 2 1 12 ? *)'],
    ['cron(0 2 ? * 0 *)', 'day of the week 0 is out of range 1-7 or SUN-SAT: cron(0 2 ? * 1 *)'],
    ['cron(0 2 * * ? 1969)', 'year 1969 is out of range 1970-2199: cron(0 2 * * ? 1970)'],
    ['cron(0 2 * * ? 2200)', 'year 2200 is out of range 1970-2199: cron(0 2 * * ? 2199)'],
    // Names, ranges, increments.
    ['cron(0 2 1 JUNE ? *)', 'JUNE is not a month; use 1-12 or JAN-DEC (did you mean JUN?): cron(0 2 1 JUN ? *)'],
    ['cron(0 2 ? * MONDAY *)', 'MONDAY is not a day of the week; use 1-7 or SUN-SAT (did you mean MON?): cron(0 2 ? * MON *)'],
    ['cron(L 2 * * ? *)', 'L is not a minute; use 0-59: cron(0 2 * * ? *)'],
    ['cron(0 H * * ? *)', 'H is not an hour; use 0-23: cron(0 0 * * ? *)'],
    ['cron(0 17-8 * * ? *)', 'hours range 17-8 goes from high to low; write it from low to high (8-17) or as two ranges (17-23,0-8)'],
    ['cron(0 2 ? * FRI-MON *)', 'day-of-week range FRI-MON goes from high to low; write it from low to high (MON-FRI) or as two ranges (FRI-SAT,SUN-MON)'],
    ['cron(0 8- * * ? *)', 'hours 8- is missing a value; hour values are 0-23: cron(0 0 * * ? *)'],
    ['cron(0 1-2-3 * * ? *)', 'hours 1-2-3 is not a range; write low-high, as in 0-1'],
    ['cron(0 *-3 * * ? *)', 'hours *-3: * cannot be part of a range; hour values are 0-23'],
    ['cron(0/0 * * * ? *)', 'the step of minutes 0/0 must be at least 1: cron(0/15 * * * ? *)'],
    ['cron(0/60 * * * ? *)', 'the step of minutes 0/60 is more than 59, the largest step minutes takes: cron(0/15 * * * ? *)'],
    ['cron(0/x * * * ? *)', 'the step of minutes 0/x must be a whole number, as in 0/15 (every 15 from 0)'],
    ['cron(0/5/2 * * * ? *)', 'minutes 0/5/2 has more than one /; an increment is start/step, as in 0/15'],
    ['cron(0 0/24 * * ? *)', 'the step of hours 0/24 is more than 23, the largest step hours takes: cron(0 2 * * ? *)'],
    ['cron(0 2 ? * */2 *)', 'day-of-week takes no increments (/); list the days instead, such as MON,WED,FRI: cron(0 18 ? * MON-FRI *)'],
    ['cron(0 2 1,,15 * ? *)', 'day-of-month has an empty entry in its list; separate values with single commas: cron(0 2 1 * ? *)'],
    ['cron(0 ? * * ? *)', '? is only for day-of-month or day-of-week, not hours: cron(0 0 * * ? *)'],
    ['cron(0 2 1,? * ? *)', '? is only for day-of-month or day-of-week, and stands alone there: cron(0 2 1 * ? *)'],
    // L, W and #.
    ['cron(0 2 L,15 * ? *)', 'day-of-month L,15: L (last day of the month), LW (last weekday) or 15W (the weekday nearest the 15th) stand alone, not in a list'],
    ['cron(0 2 32W * ? *)', 'day of the month 32 is out of range 1-31: cron(0 2 31W * ? *)'],
    [
      'cron(0 2 L-3 * ? *)',
      'day-of-month L-3 is not valid; its letters are L (last day of the month), LW (last weekday) or 15W (the weekday nearest the 15th), as in cron(0 2 L * ? *)',
    ],
    ['cron(0 2 ? * 2#6 *)', 'in day-of-week 2#6, the number after # says which one in the month and must be 1-5 (2#1 is the first Monday)'],
    ['cron(0 2 ? * 8#1 *)', 'day of the week 8 is out of range 1-7 or SUN-SAT: cron(0 2 ? * 7#1 *)'],
    [
      'cron(0 2 ? * 3#1,6#3 *)',
      'day-of-week 3#1,6#3: # and L stand alone, one expression only (2#1 is the first Monday, 6L the last Friday), not in a list',
    ],
    ['cron(0 2 ? * 1#2#3 *)', 'day-of-week 1#2#3 is not valid; write the day, #, and which one in the month (2#1 is the first Monday)'],
    ['cron(0 2 ? * 9L *)', 'day of the week 9 is out of range 1-7 or SUN-SAT: cron(0 2 ? * 7L *)'],
    ['cron(0 2 L * L *)', 'day-of-month and day-of-week cannot both be set; one of them must be ?: cron(0 2 L * ? *) or cron(0 2 ? * L *)'],
  ])('%s', (expression, message) => {
    expect(scheduleProblem(expression)).toBe(message);
  });

  it('offers only right values in its messages', () => {
    const wrong = ['cron(0 25 * * ? *)', 'rate(1 minutes)', 'rate(0 days)', 'cron(0 2 * * *)', 'cron(0 2 * * 1-5)', 'rate(2 weeks)', 'cron(0 2 1 * MON *)', 'cron(0 2 ? * ? *)'];
    for (const expression of wrong) {
      const message = scheduleProblem(expression)!;
      expect(offered(message).length, message).toBeGreaterThan(0);
      for (const right of offered(message)) expect(scheduleProblem(right), `${right} offered for ${expression}`).toBeUndefined();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

interface FieldSpec {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  readonly maxStep?: number;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const F = {
  minutes: { min: 0, max: 59, maxStep: 59 },
  hours: { min: 0, max: 23, maxStep: 23 },
  dom: { min: 1, max: 31, maxStep: 31 },
  month: { min: 1, max: 12, names: MONTHS, maxStep: 12 },
  dow: { min: 1, max: 7, names: DAYS },
  year: { min: 1970, max: 2199, maxStep: 229 },
} satisfies Record<string, FieldSpec>;

/** A value of the field, as a number or (for months and days) a name in any case. */
const value = (f: FieldSpec) =>
  fc.integer({ min: f.min, max: f.max }).chain((n) => {
    const name = f.names?.[n - f.min];
    return name ? fc.constantFrom(String(n), name, name.toLowerCase(), name[0] + name.slice(1).toLowerCase()) : fc.constant(String(n));
  });

const range = (f: FieldSpec) =>
  fc
    .tuple(fc.integer({ min: f.min, max: f.max }), fc.integer({ min: f.min, max: f.max }))
    .map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`);

const item = (f: FieldSpec) => {
  const plain = [value(f), range(f)];
  if (f.maxStep === undefined) return fc.oneof(...plain);
  const step = fc.integer({ min: 1, max: f.maxStep });
  return fc.oneof(...plain, fc.tuple(fc.oneof(fc.constant('*'), value(f), range(f)), step).map(([s, n]) => `${s}/${n}`));
};

/** The common syntax of a field: `*` or a list of values, ranges and increments. */
const list = (f: FieldSpec) => fc.oneof(fc.constant('*'), fc.array(item(f), { minLength: 1, maxLength: 3 }).map((items) => items.join(',')));

const dayOfMonth = fc.oneof(list(F.dom), fc.constantFrom('L', 'LW', 'lw'), fc.integer({ min: 1, max: 31 }).map((n) => `${n}W`));
const dayOfWeek = fc.oneof(
  list(F.dow),
  fc.constant('L'),
  value(F.dow).map((d) => `${d}L`),
  fc.tuple(value(F.dow), fc.integer({ min: 1, max: 5 })).map(([d, n]) => `${d}#${n}`),
);

/** A six-field expression EventBridge accepts: exactly one of the day fields is `?`. */
const validCron = fc
  .record({ minutes: list(F.minutes), hours: list(F.hours), dom: dayOfMonth, month: list(F.month), dow: dayOfWeek, year: list(F.year), ask: fc.boolean() })
  .map((c) => `cron(${[c.minutes, c.hours, c.ask ? '?' : c.dom, c.month, c.ask ? c.dow : '?', c.year].join(' ')})`);

const validRate = fc
  .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('minute', 'hour', 'day'))
  .map(([n, unit]) => `rate(${n} ${unit}${n === 1 ? '' : 's'})`);

describe('scheduleProblem, for any expression', () => {
  it('accepts every valid six-field cron, which the published pattern matches too', () => {
    fc.assert(
      fc.property(validCron, (expression) => {
        expect(scheduleProblem(expression)).toBeUndefined();
        expect(expression).toMatch(pattern);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every rate with the unit agreeing with its value, and refuses it disagreeing', () => {
    fc.assert(
      fc.property(validRate, (expression) => {
        expect(scheduleProblem(expression)).toBeUndefined();
        expect(expression).toMatch(pattern);
        const flipped = expression.endsWith('s)') ? expression.replace(/s\)$/, ')') : expression.replace(/\)$/, 's)');
        const message = scheduleProblem(flipped)!;
        expect(message).toMatch(/^say rate\(.*\): (singular for 1|plural for more than 1)$/);
        expect(offered(message)).toEqual([expression]);
      }),
    );
  });

  it('refuses a number out of range in any field, naming the field and its range', () => {
    const base = ['0', '2', '1', '1', '?', '2030'];
    const outOfRange = fc.constantFrom(
      ...(
        [
          [0, F.minutes, 'minute'],
          [1, F.hours, 'hour'],
          [2, F.dom, 'day of the month'],
          [3, F.month, 'month'],
          [5, F.year, 'year'],
        ] as const
      ).map(([index, f, one]) => ({ index, f, one })),
      { index: 4, f: F.dow, one: 'day of the week' },
    );
    fc.assert(
      fc.property(outOfRange, fc.nat(3000), fc.boolean(), ({ index, f, one }, n, inRange) => {
        fc.pre(n < f.min || n > f.max);
        const fields = [...base];
        if (index === 4) [fields[2], fields[4]] = ['?', '1'];
        // Out of range alone, or at either end of a range, or as an increment's start.
        fields[index] = inRange ? `${f.min}-${n}` : String(n);
        const message = scheduleProblem(`cron(${fields.join(' ')})`)!;
        expect(message).toContain(`${one} ${n} is out of range ${f.min}-${f.max}`);
        for (const right of offered(message)) expect(scheduleProblem(right)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });

  it('never throws, and whatever it accepts matches the published pattern', () => {
    const cronish = fc.stringMatching(/^(cron|rate)\([0-9A-Za-z*?,\/#\- ]{0,30}\)$/);
    fc.assert(
      fc.property(fc.oneof(fc.string(), cronish), (expression) => {
        const problem = scheduleProblem(expression);
        if (problem === undefined) expect(expression).toMatch(pattern);
        else for (const right of offered(problem)) expect(scheduleProblem(right), `${right} offered for ${expression}`).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('schedules through loadEstate', () => {
  it('point at the line and field of a bad schedule, in the file and in an override', () => {
    const job = [
      'name: nightly',
      'kind: job',
      'image: example/nightly:1',
      'schedule: cron(0 25 * * ? *)',
      'environments:',
      '  production:',
      '    schedule: rate(1 minutes)',
      '',
    ].join('\n');
    let problems: readonly Problem[] = [];
    try {
      loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'services/nightly.yaml': job }));
    } catch (e) {
      if (!(e instanceof EstateError)) throw e;
      problems = e.problems;
    }
    // Exactly these two: a wrong schedule counts as given, so the job is not also said to need one.
    expect(problems).toEqual([
      expect.objectContaining({ file: 'services/nightly.yaml', line: 4, field: 'schedule', message: 'hour 25 is out of range 0-23: cron(0 23 * * ? *)' }),
      expect.objectContaining({ file: 'services/nightly.yaml', line: 7, field: 'environments.production.schedule', message: 'say rate(1 minute): singular for 1' }),
    ]);
  });
});
