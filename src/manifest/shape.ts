import { z } from 'zod';
import type { Problem } from './problems';
import type { YamlSource } from './yaml-source';

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

/**
 * Validates one file's data against a schema; every issue becomes a problem located in the
 * file. Unknown fields get a "did you mean" from the fields the schema knows at that place.
 */
export function checkShape<T extends z.ZodType>(
  schema: T,
  source: YamlSource,
  data: unknown,
  basePath: readonly PropertyKey[] = [],
): { value?: z.infer<T>; problems: Problem[] } {
  const result = schema.safeParse(data);
  if (result.success) return { value: result.data, problems: [] };
  const json = jsonSchemaOf(schema);
  const problems: Problem[] = [];
  const issues = result.error.issues;
  for (const issue of issues) {
    const path = [...basePath, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const known = Object.keys(schemaAt(json, issue.path)?.properties ?? {});
      for (const key of issue.keys) {
        const near = closest(key, known);
        problems.push(
          source.problem([...path, key], `unknown field '${key}'${near ? ` (did you mean '${near}'?)` : ''}`, true),
        );
      }
    } else if (issue.code === 'invalid_key') {
      problems.push(source.problem(path, `'${String(issue.path.at(-1))}' is not valid: ${issue.issues[0]?.message ?? issue.message}`, true));
    } else {
      const missing = issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined;
      problems.push(source.problem(path, missing ? 'is required' : issue.message));
    }
  }
  return { value: salvage(schema, data, issues), problems };
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
    const again = schema.safeParse(current);
    if (again.success) return again.data;
    pending = again.error.issues;
  }
  return undefined;
}

function removeAt(data: unknown, path: readonly PropertyKey[]): void {
  if (path.length === 0) return;
  const parent = valueAt(data, path.slice(0, -1));
  if (parent !== null && typeof parent === 'object') delete (parent as Record<PropertyKey, unknown>)[path.at(-1)!];
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

/** The known name nearest to `word`, if it is near enough to be a likely typo. */
export function closest(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3))) return best;
  // A longer or shorter spelling of a known name (minimum for min, env for environments).
  return known.find((k) => k.length >= 3 && word.length >= 3 && (word.startsWith(k) || k.startsWith(word)));
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
