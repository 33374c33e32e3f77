/**
 * Conversions of Copilot's value forms into cityplan's: Go durations, schedules, Fargate sizes,
 * shell-quoted commands and names.
 */
import { isValidFargateSize } from '../../manifest/fargate';
import { scheduleProblem } from '../../manifest/schedule';
import { FARGATE_CPU, NAME_PATTERN } from '../../manifest/schema';

/**
 * Seconds in a Go duration as Copilot writes them (`30s`, `1m30s`, `2h`, `500ms`; a bare number is
 * seconds), or undefined when `value` is none.
 */
export function seconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001, 'µs': 0.000001, ns: 1e-9 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * unit[p[2]!]!, 0);
}

/** A schedule converted: the EventBridge expression, and what was approximated (or why it failed). */
export interface ConvertedSchedule {
  readonly expression: string;
  /** Set when the result differs from what Copilot ran, or is a placeholder. */
  readonly note?: string;
  /** True when `expression` is a placeholder that never fires in practice (`none`, or unreadable). */
  readonly placeholder?: boolean;
}

/** A schedule that EventBridge accepts and that fires once, at midnight on 1 January 2199: "never". */
export const NEVER = 'cron(0 0 1 1 ? 2199)';

/**
 * Copilot's `on.schedule` as an EventBridge schedule expression, checked by cityplan's own
 * schedule validator. Copilot's forms ("Scheduled Job" manifest reference): `@yearly`,
 * `@monthly`, `@weekly`, `@daily`, `@hourly` (its own table of cron equivalents, midnight UTC),
 * `@every <duration>`, `rate(...)`, `cron(...)` with six fields, a standard five-field cron, and
 * `none` (run only by hand). `every 2h` without the `@` is read too.
 */
export function convertSchedule(schedule: string): ConvertedSchedule {
  const s = schedule.trim();
  const named: Record<string, string> = {
    '@yearly': 'cron(0 0 1 1 ? *)',
    '@annually': 'cron(0 0 1 1 ? *)',
    '@monthly': 'cron(0 0 1 * ? *)',
    // EventBridge numbers days of the week 1-7 from Sunday.
    '@weekly': 'cron(0 0 ? * 1 *)',
    '@daily': 'cron(0 0 * * ? *)',
    '@midnight': 'cron(0 0 * * ? *)',
    '@hourly': 'cron(0 * * * ? *)',
  };
  if (named[s.toLowerCase()]) return checked(named[s.toLowerCase()]!);
  if (s.toLowerCase() === 'none') {
    return { expression: NEVER, placeholder: true, note: 'Copilot ran this job only when asked (schedule none); cityplan jobs need a schedule, so it is set to fire first on 1 January 2199' };
  }
  const every = /^@?every\s+(\S+)$/i.exec(s);
  if (every) {
    const total = seconds(every[1]);
    if (total === undefined || total <= 0) return unreadable(s);
    const minutes = Math.max(1, Math.ceil(total / 60));
    const rate = minutes % 1440 === 0 ? plural(minutes / 1440, 'day') : minutes % 60 === 0 ? plural(minutes / 60, 'hour') : plural(minutes, 'minute');
    const result = checked(`rate(${rate})`);
    return total % 60 !== 0 ? { ...result, note: `every ${total} seconds is not a whole number of minutes, the least EventBridge schedules; rounded up to ${rate}` } : result;
  }
  if (/^(cron|rate)\(/i.test(s)) return checked(s);
  const fields = s.split(/\s+/);
  if (fields.length === 5) return fiveFieldCron(fields);
  return unreadable(s);
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

function checked(expression: string): ConvertedSchedule {
  const problem = scheduleProblem(expression);
  return problem ? { expression: NEVER, placeholder: true, note: `${expression} ${problem}` } : { expression };
}

function unreadable(s: string): ConvertedSchedule {
  return { expression: NEVER, placeholder: true, note: `'${s}' is none of Copilot's schedule forms (@daily, @every 2h, rate(...), cron(...) or five cron fields)` };
}

/**
 * A standard cron (minute hour day-of-month month day-of-week) in EventBridge's six fields. Standard
 * cron numbers Sunday 0 (or 7), EventBridge 1; and EventBridge wants `?` in one of day-of-month or
 * day-of-week. Standard cron runs when either day field matches if both are set, which EventBridge
 * cannot say: the day-of-month is kept, and the loss reported.
 */
function fiveFieldCron([minute, hour, dom, month, dow]: string[]): ConvertedSchedule {
  let note: string | undefined;
  let dayOfMonth = dom!;
  let dayOfWeek = dow === '*' || dow === '?' ? '?' : weekdays(dow!);
  if (dayOfWeek === '?') {
    if (dayOfMonth === '?') dayOfMonth = '*';
  } else if (dayOfMonth === '*' || dayOfMonth === '?') {
    dayOfMonth = '?';
  } else {
    note = `a cron with both day-of-month (${dom}) and day-of-week (${dow}) runs on either in standard cron; EventBridge takes one, so only day-of-month ${dom} is kept`;
    dayOfWeek = '?';
  }
  const result = checked(`cron(${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek} *)`);
  return note && !result.placeholder ? { ...result, note } : result;
}

/** Standard cron's day-of-week numbers (0-7, Sunday 0 and 7) as EventBridge's (1-7, Sunday 1); names pass. */
function weekdays(field: string): string {
  const day = (n: string) => String((Number(n) % 7) + 1);
  return field
    .split(',')
    .flatMap((part) => {
      const range = /^(\d)-(\d)(\/\d+)?$/.exec(part);
      if (range) {
        const [from, to] = [Number(range[1]), Number(range[2])];
        // A range ending on Sunday (7) would wrap around in EventBridge's numbering: list its days.
        if (to === 7 && !range[3]) return Array.from({ length: to - from + 1 }, (_, i) => day(String(from + i)));
        return [`${day(range[1]!)}-${day(range[2]!)}${range[3] ?? ''}`];
      }
      return /^\d$/.test(part) ? [day(part)] : [part];
    })
    .join(',');
}

/** Every valid Fargate size, smallest first. */
const FARGATE_SIZES: ReadonlyArray<{ cpu: number; memory: number }> = FARGATE_CPU.flatMap((cpu) =>
  Array.from({ length: 240 }, (_, i) => (i + 1) * 512)
    .filter((memory) => isValidFargateSize(cpu, memory))
    .map((memory) => ({ cpu, memory })),
);

/**
 * The nearest valid Fargate size to `cpu`/`memory`: the smallest that gives at least as much of
 * both (a task never gets less than it asked for), or the largest there is. The table is
 * cityplan's (src/manifest/fargate.ts, from the Amazon ECS "Task CPU and memory" table).
 */
export function nearestFargateSize(cpu: number, memory: number): { cpu: number; memory: number } {
  return FARGATE_SIZES.find((s) => s.cpu >= cpu && s.memory >= memory) ?? FARGATE_SIZES.at(-1)!;
}

/** Words of a command written as one string, split as a POSIX shell would (quotes and backslashes), as Copilot does. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * A cityplan name (`[a-z][a-z0-9-]*`, at most `max` characters, no hyphen at the end) made from a
 * Copilot one: lower case, other characters as hyphens, cut to `max`. Undefined when nothing remains.
 */
export function cityplanName(name: string, max: number): string | undefined {
  const made = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return NAME_PATTERN.test(made) ? made : undefined;
}
