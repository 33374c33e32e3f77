import { z } from 'zod';
import type { Problem } from './problems';
import { closest } from './near';
import { describeIssue, type FieldSchema, ZOD_DEFAULT } from './wording';
import type { YamlSource } from './yaml-source';

export { closest } from './near';

type JsonSchema = FieldSchema;

export interface ShapeResult<T> {
  /** The valid part of the data (see salvage), when enough of it is valid to go on with. */
  readonly value?: T;
  readonly problems: Problem[];
  /**
   * Fields the user set that failed validation, including a misspelt field's intended name
   * (`memroy` fails `memory`). Rules that depend on one stay quiet: the value the user meant is
   * unknown, and a default standing in for it would raise a problem about a value nobody wrote.
   */
  readonly failed: ReadonlyArray<readonly PropertyKey[]>;
}

/**
 * Validates one file's data against a schema; every issue becomes a problem located in the
 * file, worded for the user (wording.ts). Unknown fields get a "did you mean" from the fields the
 * schema knows at that place.
 */
export function checkShape<T extends z.ZodType>(schema: T, source: YamlSource, data: unknown): ShapeResult<z.infer<T>> {
  const result = schema.safeParse(data, { error: () => ZOD_DEFAULT });
  if (result.success) return { value: result.data, problems: [], failed: [] };
  const json = jsonSchemaOf(schema);
  const problems: Problem[] = [];
  const failed: PropertyKey[][] = [];
  const issues = result.error.issues;
  const said = new Set<string>();
  // A misspelt required field is one mistake: its "unknown field, did you mean" says it all, and
  // "is required" for the field it meant is not said as well.
  const meant = new Set(
    issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.flatMap((k) => {
      const near = closest(k, Object.keys(schemaAt(json, i.path)?.properties ?? {}));
      return near ? [JSON.stringify([...i.path, near].map(String))] : [];
    }) : [])),
  );
  for (const issue of issues) {
    const path = [...issue.path];
    // zod runs every check of a field (empty, then its pattern): one wrong value is one mistake.
    const where = JSON.stringify(path.map(String));
    if (issue.code !== 'unrecognized_keys' && said.has(where)) continue;
    said.add(where);
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(schemaAt(json, issue.path)?.properties ?? {});
      for (const key of issue.keys) {
        const near = closest(key, known);
        if (near) failed.push([...path, near]);
        problems.push(source.problem([...path, key], `unknown field '${key}'${near ? ` (did you mean '${near}'?)` : unknownHint(path, key, known)}`, true));
      }
    } else if (issue.code === 'invalid_key') {
      const inner = issue.issues[0];
      const why = !inner ? issue.message : inner.message === ZOD_DEFAULT ? describeIssue(inner, issue.path.at(-1), undefined) : inner.message;
      failed.push(path);
      problems.push(source.problem(path, `'${String(issue.path.at(-1))}' is not valid: ${why}`, true));
    } else {
      const value = valueAt(data, issue.path);
      const missing = issue.code === 'invalid_type' && value === undefined;
      if (missing && meant.has(where)) continue;
      if (!missing) failed.push(path);
      const message = missing ? 'is required' : issue.message === ZOD_DEFAULT ? describeIssue(issue, value, schemaAt(json, issue.path)) : issue.message;
      problems.push(source.problem(path, message));
    }
  }
  return { value: salvage(schema, data, issues), problems, failed };
}

/** What may stand where an unknown field with no near match stands: a short list, and for a service's runbooks, where its own runbooks go. */
function unknownHint(path: readonly PropertyKey[], key: string, known: readonly string[]): string {
  // Fields that exist, one level away from where they were written.
  if (key === 'runsIn') return "; runsIn names a service's environments in the service's own file, not in defaults or environments.<env>";
  if (key === 'egress' || key === 'capacity' || key === 'zones' || key === 'protect') return `; ${key} is an environment's setting: environments.<env>.${key} in estate.yaml`;
  if (path.at(-1) === 'runbooks' && known.includes('crash-loop')) {
    return `; a service tunes only the built-in runbooks (${known.join(', ')}); an estate's own runbook, runbooks/${key}.yaml, names its services with services: and sets its cooldown there`;
  }
  return known.length > 0 && known.length <= 10 ? `; the fields here are ${known.join(', ')}` : '';
}

/**
 * The data with every offending field removed, if what is left is valid: so that the cross-field
 * rules still run on the rest of the file and the user sees every problem at once.
 */
function salvage<T extends z.ZodType>(schema: T, data: unknown, issues: readonly z.core.$ZodIssue[]): z.infer<T> | undefined {
  let current: unknown = structuredClone(data);
  let pending = issues;
  for (let attempt = 0; attempt < 3; attempt++) {
    for (const issue of pending) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) removeAt(current, [...issue.path, key]);
      else removeAt(current, issue.path);
    }
    current = compact(current);
    const again = schema.safeParse(current, { error: () => ZOD_DEFAULT });
    if (again.success) return again.data;
    pending = again.error.issues;
  }
  return undefined;
}

/** Marks a list item removed: deleting it would leave a hole, itself invalid, and shift no index. */
const REMOVED = Symbol('removed');

function removeAt(data: unknown, path: readonly PropertyKey[]): void {
  if (path.length === 0) return;
  const parent = valueAt(data, path.slice(0, -1));
  if (Array.isArray(parent) && typeof path.at(-1) === 'number') parent[path.at(-1) as number] = REMOVED;
  else if (parent !== null && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[path.at(-1)!];
}

/** The data without the list items removeAt marked, so that the rest of a list stays valid. */
function compact(data: unknown): unknown {
  if (Array.isArray(data)) return data.filter((x) => x !== REMOVED).map(compact);
  if (data !== null && typeof data === 'object') return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, compact(v)]));
  return data;
}

const jsonSchemas = new WeakMap<z.ZodType, JsonSchema>();
function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  let json = jsonSchemas.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    jsonSchemas.set(schema, json);
  }
  return json;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

function schemaAt(schema: JsonSchema | undefined, path: readonly PropertyKey[]): JsonSchema | undefined {
  let cur = schema;
  for (const seg of path) {
    if (!cur) return undefined;
    cur = cur.anyOf?.find((s) => s.properties || s.additionalProperties || s.items) ?? cur;
    if (typeof seg === 'number') cur = cur.items;
    else cur = cur.properties?.[seg as string] ?? (typeof cur.additionalProperties === 'object' ? cur.additionalProperties : undefined);
  }
  return cur?.anyOf?.find((s) => s.properties) ?? cur;
}
