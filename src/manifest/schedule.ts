/**
 * A job's `schedule`, checked as EventBridge checks a scheduled rule's expression, so that one AWS
 * would reject is reported at its line by `cityplan validate` instead of by CloudFormation halfway
 * through a deploy.
 *
 * The rules are those of "Schedule expressions for rules" in the Amazon EventBridge User Guide
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html):
 *
 * - `rate(value unit)`: value a positive whole number; unit minute, minutes, hour, hours, day or
 *   days; "if the value is equal to 1, then the unit must be singular", otherwise plural.
 * - `cron(minutes hours day-of-month month day-of-week year)`: six required fields.
 *
 *   | field        | values          | wildcards     |
 *   |--------------|-----------------|---------------|
 *   | minutes      | 0-59            | , - * /       |
 *   | hours        | 0-23            | , - * /       |
 *   | day-of-month | 1-31            | , - * ? / L W |
 *   | month        | 1-12 or JAN-DEC | , - * /       |
 *   | day-of-week  | 1-7 or SUN-SAT  | , - * ? L #   |
 *   | year         | 1970-2199       | , - * /       |
 *
 *   You cannot specify both day-of-month and day-of-week: one of them must be `?`. `#` (`3#2`, the
 *   second Tuesday) allows one expression only in day-of-week, so `3#1,6#3` is not valid.
 *
 * Where the guide says nothing, cityplan follows the Quartz scheduler, whose cron syntax
 * EventBridge's closely resembles: names and letters in any case; L, LW, `15W`, `6L` and `d#n` each stand alone in their field; an
 * increment's step is at most 59 for minutes, 23 for hours, 31 for day-of-month and 12 for
 * month. And it is strict where AWS's leniency is unknown: fields are separated by single spaces,
 * `cron` and `rate` are written in lower case, ranges go from low to high, and a rate has no
 * leading zeros.
 */
import { closest } from './near';

/**
 * A pattern every valid expression matches, published in the JSON Schema so that editors flag the
 * grossest mistakes as you type (a wrong unit, a missing field); `scheduleProblem` has the last word.
 */
export const SCHEDULE_PATTERN = String.raw`^(rate\((1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))\)|cron\([^\s()]+( [^\s()]+){5}\))$`;

/** The expression in this project's examples and the docs, shown when nothing closer can be offered. */
const EXAMPLE = 'cron(0 2 * * ? *)';
const SYNTAX = 'cron(minutes hours day-of-month month day-of-week year) or rate(value unit)';

/**
 * What is wrong with a schedule expression, in the words of someone writing a manifest, with a
 * right value to copy; undefined when EventBridge accepts it. Only the first problem found is
 * reported: fixing it often changes what the next one would be.
 */
export function scheduleProblem(expression: string): string | undefined {
  const trimmed = expression.trim();
  if (trimmed !== expression) return tidied('remove the spaces around the expression', trimmed);
  const call = /^([A-Za-z]+)\((.*)\)$/s.exec(expression);
  const keyword = call?.[1]?.toLowerCase();
  if (!call || (keyword !== 'cron' && keyword !== 'rate')) {
    const asCron = sixFieldCron(expression.split(/\s+/));
    return `must be ${SYNTAX}, such as ${EXAMPLE} or rate(1 hour)${asCron ? `; did you mean ${asCron.cron}?` : ''}`;
  }
  const body = call[2]!;
  const words = body.trim() === '' ? [] : body.trim().split(/\s+/);
  const tidy = `${keyword}(${words.join(' ')})`;
  if (call[1] !== keyword) return tidied(`write ${keyword} in lower case`, tidy);
  if (body !== words.join(' ')) return tidied('separate the parts with single spaces, without spaces inside the brackets', tidy);
  return keyword === 'rate' ? rateProblem(words) : cronProblem(words);
}

/** A layout mistake, with the tidied expression if that is right, or else what is still wrong with it. */
function tidied(mistake: string, tidy: string): string {
  const problem = scheduleProblem(tidy);
  return problem ? `${problem} (and ${mistake})` : `${mistake}: ${tidy}`;
}

// ---------------------------------------------------------------------------------------------
// rate(value unit)

const UNITS = ['minute', 'hour', 'day'] as const;
const MINUTES_PER: Record<(typeof UNITS)[number], number> = { minute: 1, hour: 60, day: 1440 };

function rateProblem(words: string[]): string | undefined {
  if (words.length !== 2) return 'rate needs a value and a unit, such as rate(5 minutes) or rate(1 day)';
  const [value, unitWord] = words as [string, string];
  const unit = UNITS.find((u) => unitWord === u || unitWord === `${u}s`);
  if (!unit) return unitProblem(value, unitWord);
  if (!/^-?\d+(\.\d+)?$/.test(value)) return `the rate's value must be a whole number, such as rate(5 ${unit}s)`;
  const n = Number(value);
  if (!Number.isInteger(n)) return `the rate must be a whole number of ${unit}s${wholeRate(n * MINUTES_PER[unit])}`;
  if (n < 1) return `the rate must be at least 1, such as ${rate(1, unit)}`;
  if (!/^[1-9]/.test(value)) return `write the value without leading zeros: ${rate(n, unit)}`;
  if (n === 1 && unitWord !== unit) return `say ${rate(1, unit)}: singular for 1`;
  if (n > 1 && unitWord === unit) return `say ${rate(n, unit)}: plural for more than 1`;
  return undefined;
}

/** `rate(1 hour)`, `rate(5 hours)`: the unit agreed with the value. */
function rate(n: number, unit: (typeof UNITS)[number]): string {
  return `rate(${n} ${unit}${n === 1 ? '' : 's'})`;
}

/** The same interval in a smaller unit, when there is a whole one: 1.5 hours is rate(90 minutes). */
function wholeRate(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) return '';
  const unit = [...UNITS].reverse().find((u) => minutes % MINUTES_PER[u] === 0)!;
  return `: ${rate(minutes / MINUTES_PER[unit], unit)}`;
}

function unitProblem(value: string, unitWord: string): string {
  const lower = unitWord.toLowerCase();
  const n = Number(value);
  const agreed = (unit: (typeof UNITS)[number]) => (Number.isInteger(n) && n >= 1 ? rate(n, unit) : rate(5, unit));
  const known = UNITS.find((u) => lower === u || lower === `${u}s`);
  if (known) return `write the unit in lower case: ${agreed(known)}`;
  if (/^weeks?$/.test(lower) && Number.isInteger(n) && n >= 1) return `there is no week unit; say ${rate(n * 7, 'day')}`;
  if (/^(seconds?|secs?|s)$/.test(lower)) return 'EventBridge runs a rule at most once a minute: rate(1 minute)';
  if (/^months?$/.test(lower)) return 'a rate counts minutes, hours or days; for every month use cron, such as cron(0 2 1 * ? *)';
  if (/^years?$/.test(lower)) return 'a rate counts minutes, hours or days; for every year use cron, such as cron(0 2 1 1 ? *)';
  const near = UNITS.find((u) => u.startsWith(lower.replace(/s$/, '')));
  return `the unit must be minute(s), hour(s) or day(s)${near ? `; did you mean ${agreed(near)}?` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// cron(minutes hours day-of-month month day-of-week year)

interface Field {
  /** As in the syntax line: `day-of-month`. */
  readonly name: string;
  /** One value of it, in a sentence: `hour 25 is out of range`, `L is not an hour`. */
  readonly one: string;
  /** The same with its article: `an hour`. */
  readonly a: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min + 1, …: JAN-DEC, SUN-SAT. */
  readonly names?: readonly string[];
  /** The largest step after `/`, as Quartz allows; absent when the field takes no increments. */
  readonly maxStep?: number;
  /** A right use of the field, shown with its problems. */
  readonly example: string;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const MINUTES: Field = { name: 'minutes', one: 'minute', a: 'a minute', min: 0, max: 59, maxStep: 59, example: 'cron(0/15 * * * ? *)' };
const HOURS: Field = { name: 'hours', one: 'hour', a: 'an hour', min: 0, max: 23, maxStep: 23, example: EXAMPLE };
const DAY_OF_MONTH: Field = { name: 'day-of-month', one: 'day of the month', a: 'a day of the month', min: 1, max: 31, maxStep: 31, example: 'cron(0 2 1 * ? *)' };
const MONTH: Field = { name: 'month', one: 'month', a: 'a month', min: 1, max: 12, names: MONTHS, maxStep: 12, example: 'cron(0 2 1 JAN,JUL ? *)' };
const DAY_OF_WEEK: Field = { name: 'day-of-week', one: 'day of the week', a: 'a day of the week', min: 1, max: 7, names: DAYS, example: 'cron(0 18 ? * MON-FRI *)' };
const YEAR: Field = { name: 'year', one: 'year', a: 'a year', min: 1970, max: 2199, maxStep: 2199 - 1970, example: 'cron(0 2 1 1 ? 2030)' };
const FIELDS = [MINUTES, HOURS, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR] as const;

function cronProblem(fields: string[]): string | undefined {
  if (fields.length !== 6) {
    const six = sixFieldCron(fields);
    const why = fields.length === 7 ? ' (EventBridge has no seconds field)' : '';
    const note = six?.renumbered ? ' (EventBridge counts days of the week from 1 = Sunday)' : '';
    return `cron needs six fields (${FIELDS.map((f) => f.name).join(' ')}); this has ${fields.length}${why}. Did you mean ${six?.cron ?? EXAMPLE}?${note}`;
  }
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  const checks = [
    () => listProblem(MINUTES, minutes),
    () => listProblem(HOURS, hours),
    () => dayOfMonthProblem(dom),
    () => listProblem(MONTH, month),
    () => dayOfWeekProblem(dow),
    () => listProblem(YEAR, year),
  ];
  for (const [i, check] of checks.entries()) {
    const problem = check();
    if (problem) return withRepair(problem, fields, i);
  }
  const cron = (d: string, w: string) => `cron(${[minutes, hours, d, month, w, year].join(' ')})`;
  if (dom === '?' && dow === '?') return `day-of-month and day-of-week cannot both be ?; set one of them, such as ${cron('*', '?')} or ${cron('?', 'MON-FRI')}`;
  if (dom !== '?' && dow !== '?') {
    const fix = dow === '*' ? cron(dom, '?') : dom === '*' ? cron('?', dow) : `${cron(dom, '?')} or ${cron('?', dow)}`;
    return `day-of-month and day-of-week cannot both be set; one of them must be ?: ${fix}`;
  }
  return undefined;
}

/**
 * A message ending in its field's general example ends instead in the user's own expression with
 * only that field mended, when a mended value makes it valid: `cron(60 2 * * ? *)` is offered
 * `cron(59 2 * * ? *)`, not an expression that runs at other times altogether.
 */
function withRepair(problem: string, fields: readonly string[], index: number): string {
  const field = FIELDS[index]!;
  if (repairing || !problem.endsWith(`: ${field.example}`)) return problem;
  repairing = true;
  try {
    return repaired(problem, fields, index, field);
  } finally {
    repairing = false;
  }
}

/** Set while a mended expression is checked: its own problems are only tested, never mended again. */
let repairing = false;

function repaired(problem: string, fields: readonly string[], index: number, field: Field): string {
  const value = fields[index]!;
  // A step or a list says more than one value can: mending it to one would change when it runs.
  if (/[/,]/.test(value)) return problem;
  const clamp = (n: string) => String(Math.min(Math.max(Number(n), field.min), field.max));
  const candidates = [
    // 25 → 23; the number inside 8#1 or 9L too (7#1, 7L)
    /^\d+/.test(value) ? value.replace(/^\d+/, clamp) : undefined,
    // MONDAY → MON
    field.names ? closest(value.toUpperCase(), field.names) : undefined,
    String(field.min),
    '*',
  ];
  for (const candidate of candidates.filter((c): c is string => c !== undefined)) {
    const mended = `cron(${fields.map((f, i) => (i === index ? candidate : f)).join(' ')})`;
    if (scheduleProblem(mended) === undefined) return `${problem.slice(0, -field.example.length)}${mended}`;
  }
  return problem;
}

/**
 * The six-field form of a Unix (five fields) or Quartz-with-seconds (seven fields) cron, if that is
 * a valid expression; `renumbered` when a Unix day-of-week was moved to EventBridge's numbering
 * (Unix counts from 0 = Sunday, EventBridge from 1 = Sunday).
 */
function sixFieldCron(fields: readonly string[]): { cron: string; renumbered: boolean } | undefined {
  let six: string[] | undefined;
  let renumbered = false;
  if (fields.length === 5) {
    const [minutes, hours, dom, month, unixDow] = fields as [string, string, string, string, string];
    renumbered = /^[0-7](-[0-7])?(,[0-7](-[0-7])?)*$/.test(unixDow);
    const dow = renumbered ? unixDow.replace(/\d/g, (d) => String((Number(d) % 7) + 1)) : unixDow;
    // Unix cron runs on days matching either day field; EventBridge's takes one, the other is ?.
    if (dow === '*') six = [minutes, hours, dom, month, '?', '*'];
    else if (dom === '*') six = [minutes, hours, '?', month, dow, '*'];
  } else if (fields.length === 7) {
    six = fields.slice(1);
  } else if (fields.length === 6) {
    six = [...fields];
  }
  const cron = six && `cron(${six.join(' ')})`;
  return cron && scheduleProblem(cron) === undefined ? { cron, renumbered } : undefined;
}

/** Day-of-month: the common list syntax, or one of L (last day), LW (last weekday), 15W (weekday nearest the 15th). */
function dayOfMonthProblem(text: string): string | undefined {
  if (text === '?') return undefined;
  const upper = text.toUpperCase();
  if (!/[LW]/.test(upper)) return listProblem(DAY_OF_MONTH, text);
  const forms = 'L (last day of the month), LW (last weekday) or 15W (the weekday nearest the 15th)';
  if (upper.includes(',')) return `day-of-month ${text}: ${forms} stand alone, not in a list`;
  if (upper === 'L' || upper === 'LW') return undefined;
  const weekday = /^(\d+)W$/.exec(upper);
  if (!weekday) return `day-of-month ${text} is not valid; its letters are ${forms}, as in cron(0 2 L * ? *)`;
  return valueProblem(DAY_OF_MONTH, weekday[1]!);
}

/** Day-of-week: the common list syntax, or one of L (Saturday), 6L (last Friday), 2#1 (first Monday). */
function dayOfWeekProblem(text: string): string | undefined {
  if (text === '?') return undefined;
  const upper = text.toUpperCase();
  const special = upper.includes('#') || /L$/.test(upper);
  if (!special) return listProblem(DAY_OF_WEEK, text);
  if (upper.includes(',')) return `day-of-week ${text}: # and L stand alone, one expression only (2#1 is the first Monday, 6L the last Friday), not in a list`;
  if (upper === 'L') return undefined;
  const last = /^([^#]+)L$/.exec(upper);
  if (last) return valueProblem(DAY_OF_WEEK, last[1]!, text);
  const nth = /^([^#]+)#([^#]*)$/.exec(upper);
  if (!nth) return `day-of-week ${text} is not valid; write the day, #, and which one in the month (2#1 is the first Monday)`;
  const week = nth[2]!;
  if (!/^[1-5]$/.test(week)) return `in day-of-week ${text}, the number after # says which one in the month and must be 1-5 (2#1 is the first Monday)`;
  return valueProblem(DAY_OF_WEEK, nth[1]!, text);
}

/** A comma-separated list of values, ranges (`8-17`), increments (`0/15`, `*\/5`, `10-30/5`) or `*`. */
function listProblem(field: Field, text: string): string | undefined {
  if (text === '?') return `? is only for day-of-month or day-of-week, not ${field.name}: ${field.example}`;
  for (const item of text.split(',')) {
    const problem = itemProblem(field, item);
    if (problem) return problem;
  }
  return undefined;
}

function itemProblem(field: Field, item: string): string | undefined {
  if (item === '') return `${field.name} has an empty entry in its list; separate values with single commas: ${field.example}`;
  if (item === '*') return undefined;
  if (item === '?') return `? is only for day-of-month or day-of-week, and stands alone there: ${field.example}`;
  const parts = item.split('/');
  if (parts.length > 2) return `${field.name} ${item} has more than one /; an increment is start/step, as in 0/15`;
  const [start, step] = parts as [string, string | undefined];
  if (step !== undefined) {
    if (field.maxStep === undefined) return `${field.name} takes no increments (/); list the days instead, such as MON,WED,FRI: ${field.example}`;
    if (!/^\d+$/.test(step)) return `the step of ${field.name} ${item} must be a whole number, as in 0/15 (every 15 from 0)`;
    const n = Number(step);
    if (n < 1) return `the step of ${field.name} ${item} must be at least 1: ${field.example}`;
    if (n > field.maxStep) return `the step of ${field.name} ${item} is more than ${field.maxStep}, the largest step ${field.name} takes: ${field.example}`;
    if (start === '*') return undefined;
  }
  const range = start.split('-');
  if (range.length > 2) return `${field.name} ${item} is not a range; write low-high, as in ${field.min}-${field.min + 1}`;
  for (const value of range) {
    const problem = valueProblem(field, value, item);
    if (problem) return problem;
  }
  if (range.length === 2) {
    const [low, high] = range.map((v) => numberOf(field, v)!) as [number, number];
    if (low > high) {
      const [first, last] = field.names ? [field.names[0], field.names.at(-1)] : [field.min, field.max];
      return `${field.name} range ${start} goes from high to low; write it from low to high (${range[1]}-${range[0]}) or as two ranges (${range[0]}-${last},${first}-${range[1]})`;
    }
  }
  return undefined;
}

/** One value of a field: a number in its range or, for months and days, a name. */
function valueProblem(field: Field, value: string, within = value): string | undefined {
  const n = numberOf(field, value);
  const allowed = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
  if (n === undefined) {
    if (value === '') return `${field.name} ${within} is missing a value; ${field.one} values are ${allowed}: ${field.example}`;
    if (value === '*' || value === '?') return `${field.name} ${within}: ${value} cannot be part of a range; ${field.one} values are ${allowed}`;
    const near = field.names && closest(value.toUpperCase(), field.names);
    return `${value} is not ${field.a}; use ${allowed}${near ? ` (did you mean ${near}?)` : ''}: ${field.example}`;
  }
  if (n < field.min || n > field.max) return `${field.one} ${value} is out of range ${allowed}: ${field.example}`;
  return undefined;
}

/** The number a value stands for (`JAN` is 1, `SUN` is 1), or undefined when it is neither number nor name. */
function numberOf(field: Field, value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value);
  const index = field.names?.indexOf(value.toUpperCase()) ?? -1;
  return index >= 0 ? field.min + index : undefined;
}
