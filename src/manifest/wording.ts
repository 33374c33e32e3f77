/**
 * Schema problems in the user's words. zod describes a wrong value in its own terms ("Invalid
 * input: expected number, received string"); a service team needs to read what is wrong with what
 * they wrote and see a value that would be right (`port: 8000 (a number, unquoted)`).
 *
 * Schema fields that carry their own message (`error:` in schema.ts) keep it; every other issue is
 * worded here from its code, the value the user wrote, and the field's JSON Schema (its default,
 * examples, bounds and known fields give the right value to show).
 */
import type { z } from 'zod';
import { closest } from './near';

/** The JSON Schema of one field, as far as wording needs it. */
export interface FieldSchema {
  readonly type?: string | string[];
  readonly default?: unknown;
  readonly examples?: unknown[];
  readonly enum?: unknown[];
  readonly const?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Record<string, FieldSchema>;
  readonly additionalProperties?: FieldSchema | boolean;
  readonly items?: FieldSchema;
  readonly anyOf?: FieldSchema[];
}

/**
 * The message zod would have written when no field defines one. Passed to `safeParse` as the
 * per-parse error map: zod prefers a schema's own message, so an issue that carries this marker is
 * exactly one the schema left to zod's defaults.
 */
export const ZOD_DEFAULT = '\u0000zod-default';

/**
 * What is wrong with `value` at `path`, said to the person who wrote it, with a right value.
 * @param issue a zod issue whose message is ZOD_DEFAULT (others are worded by the schema)
 * @param value what the file holds at the issue's path (undefined when the field is missing)
 * @param field the JSON Schema of the field at that path, when known
 */
export function describeIssue(issue: z.core.$ZodIssue, value: unknown, field: FieldSchema | undefined): string {
  const key = [...issue.path].reverse().find((s): s is string => typeof s === 'string') ?? 'value';
  const item = typeof issue.path.at(-1) === 'number';
  const show = (example: unknown) => (item ? `- ${render(example)}` : `${key}: ${render(example)}`);
  switch (issue.code) {
    case 'invalid_type':
      return wrongType(issue.expected, value, field, show, key);
    case 'too_big':
      return tooBig(issue, value, show);
    case 'too_small':
      return tooSmall(issue, value, field, show);
    case 'invalid_value': {
      const options = issue.values.map(String);
      const near = typeof value === 'string' ? closest(value, options) : undefined;
      return `${render(value)} is not one of ${options.join(', ')}${near ? `; did you mean ${show(near)}?` : `, such as ${show(options[0])}`}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, such as ${show(issue.divisor)}`;
    case 'invalid_format':
      return `${render(value)} is not in the right form${exampleOf(field) !== undefined ? `, such as ${show(exampleOf(field))}` : ''}`;
    default:
      return `${render(value)} is not valid here${exampleOf(field) !== undefined ? `; such as ${show(exampleOf(field))}` : ''}`;
  }
}

function wrongType(expected: string, value: unknown, field: FieldSchema | undefined, show: (v: unknown) => string, key: string): string {
  const got = describeValue(value);
  switch (expected) {
    case 'number':
    case 'int': {
      const whole = expected === 'int';
      if (typeof value === 'string') {
        const inMiB = key === 'memory' ? mebibytes(value) : undefined;
        if (inMiB !== undefined) return `is a number of MiB without a unit: ${show(inMiB)}`;
        if (value.trim() !== '' && Number.isFinite(Number(value))) return `must be a number, not text: ${show(Number(value))} (unquoted)`;
      }
      if (typeof value === 'number' && whole) return `must be a whole number, such as ${show(Math.round(value))}`;
      return `must be a ${whole ? 'whole ' : ''}number, not ${got}; such as ${show(exampleOf(field) ?? 1)}`;
    }
    case 'string':
      if (typeof value === 'number' || typeof value === 'boolean') return `must be text; quote it: ${show(String(value))}`;
      return `must be text, not ${got}; such as ${show(exampleOf(field) ?? 'text')}`;
    case 'boolean': {
      const meant = typeof value === 'string' ? BOOLEAN_WORDS[value.toLowerCase()] : undefined;
      return `must be true or false (unquoted), not ${got}; such as ${show(meant ?? exampleOf(field) ?? true)}`;
    }
    case 'array':
      // A command is its arguments: `npm start` is the list [npm, start], not one item.
      if (key === 'command' && typeof value === 'string') {
        const words = shellWords(value);
        return words.length > 0 ? `must be a list of the command's arguments: ${key}: [${words.map(render).join(', ')}]` : 'must be a list of the command and its arguments, such as command: [npm, start]';
      }
      if (value !== null && typeof value !== 'object') return `must be a list, even of one item: ${key}: [${render(value)}]`;
      return `must be a list, not ${got}; such as ${key}: [${render(exampleOf(field?.items) ?? 'item')}]`;
    case 'object':
    case 'record': {
      const example = objectExample(field);
      return `must be a map of fields, not ${got}; ${example ? `such as ${key}: ${example}` : `write each field on its own line under ${key}:`}`;
    }
    default:
      return `must be ${expected}, not ${got}`;
  }
}

function tooBig(issue: z.core.$ZodIssueTooBig, value: unknown, show: (v: unknown) => string): string {
  const max = Number(issue.maximum);
  const limit = issue.inclusive ? `at most ${max}` : `less than ${max}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `has ${Array.isArray(value) ? value.length : 'too many'} items; ${limit} are allowed`;
  if (issue.origin === 'string') return `is ${typeof value === 'string' ? value.length : 'too many'} characters long; ${limit} are allowed`;
  return `${render(value)} is too big: it must be ${limit}, such as ${show(issue.inclusive ? max : max - 1)}`;
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, value: unknown, field: FieldSchema | undefined, show: (v: unknown) => string): string {
  const min = Number(issue.minimum);
  if (issue.origin === 'array' || issue.origin === 'set') return `needs at least ${min} item${min === 1 ? '' : 's'}`;
  if (issue.origin === 'string') return min === 1 ? `must not be empty${exampleOf(field) !== undefined ? `, such as ${show(exampleOf(field))}` : ''}` : `must be at least ${min} characters long`;
  const limit = issue.inclusive ? `at least ${min}` : `more than ${min}`;
  return `${render(value)} is too small: it must be ${limit}, such as ${show(issue.inclusive ? min : min + 1)}`;
}

const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { yes: true, true: true, on: true, no: false, false: false, off: false };

/** A memory size written with a unit (`1GB`, `512 MiB`), in MiB: Fargate memory is given in MiB. */
function mebibytes(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(gib|gb|g|mib|mb|m)\s*$/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]) * (/^g/i.test(m[2]!) ? 1024 : 1);
  return Number.isInteger(n) ? n : undefined;
}

/** A right value for a field: its default, its first example, its first option, or its lower bound. */
function exampleOf(field: FieldSchema | undefined): unknown {
  if (!field) return undefined;
  if (field.default !== undefined) return field.default;
  if (field.examples?.length) return field.examples[0];
  if (field.enum?.length) return field.enum[0];
  if (field.const !== undefined) return field.const;
  if (field.minimum !== undefined) return field.minimum;
  for (const option of field.anyOf ?? []) {
    const example = exampleOf(option);
    if (example !== undefined) return example;
  }
  return undefined;
}

/**
 * `{ min: 2, max: 4 }` from a map's fields and their right values; `{ NAME: value }` for a map of
 * names the user chooses (env); undefined when no field has a right value to show.
 */
function objectExample(field: FieldSchema | undefined): string | undefined {
  if (!field?.properties && typeof field?.additionalProperties === 'object') return '{ NAME: value }';
  const parts = Object.entries(field?.properties ?? {})
    .map(([name, f]) => [name, exampleOf(f)] as const)
    .filter(([, v]) => v !== undefined && (typeof v !== 'object' || v === null));
  return parts.length > 0 ? `{ ${parts.map(([name, v]) => `${name}: ${render(v)}`).join(', ')} }` : undefined;
}

function describeValue(value: unknown): string {
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the text ${render(value)}`;
  return `${typeof value === 'number' ? 'the number' : typeof value} ${String(value)}`;
}

/** A value as it would be written in YAML: text quoted only where YAML would misread it. */
function render(value: unknown): string {
  if (typeof value !== 'string') return value === null || value === undefined ? 'nothing' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  const plain = /^[A-Za-z_/][\w./@()*?, -]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~)$/i.test(value) && !/: | #/.test(value);
  return plain ? value : JSON.stringify(value);
}

/**
 * A command line split as a shell would split it for exec: words on spaces, quotes holding a
 * word together (`sh -c "echo hi"` → sh, -c, echo hi). No expansion: ECS runs the list as given.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words.filter((w) => w !== '');
}
