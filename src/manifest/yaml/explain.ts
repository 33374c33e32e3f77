/**
 * What every explanation of a YAML error works from, and the small helpers they share: where the
 * parser noticed the error, the raw text by lines, and the parsed (possibly broken) tree.
 */
import { type Document, isScalar, type Node, Scalar } from 'yaml';
import type { SourceLines } from './lines';
import { type NodeMistake, nodesOf, type Placed } from './nodes';

export interface Context {
  readonly text: string;
  readonly lines: SourceLines;
  readonly doc: Document;
  /** Where the parser noticed the error. */
  readonly offset: number;
  /** The parser's message, first line, without its position. */
  readonly raw: string;
}

/** A mistake, with what it says about other errors the parser reported for the same cause. */
export interface Explained extends NodeMistake {
  /** The text an unclosed quote or bracket (or an ended document) swallowed: errors in it are this one. */
  readonly swallowed?: readonly [from: number, to: number];
  /** For a line indented unlike the line above (0-based): if that line is wrong, so will this one seem. */
  readonly comparedWith?: number;
}

export type Explainer = (ctx: Context) => Explained | undefined;

/** An explanation at the place the parser noticed, naming the field of that line. */
export function here(message: string): Explainer {
  return (ctx) => ({ offset: ctx.offset, field: ctx.lines.fieldAt(ctx.lines.indexOf(ctx.offset)), message });
}

/** The offset of a 0-based column on a 0-based line. */
export function at(ctx: Context, line: number, column: number): number {
  return ctx.lines.startOf(line) + column;
}

/**
 * The field at `offset`, read from the text: after another syntax error the parsed tree may hold
 * a key under the wrong parent, but the indentation still says what the user meant. `name` is a
 * key on that line inside `{ }`, not at its start.
 */
export function fieldOf(ctx: Context, offset: number, name?: string): PropertyKey[] {
  const path = ctx.lines.fieldAt(ctx.lines.indexOf(offset));
  return name === undefined || path.at(-1) === name ? path : [...path, name];
}

/** The node that starts last before the error among those that `match`. */
export function lastBefore(ctx: Context, match: (node: Node) => boolean): Placed | undefined {
  let found: Placed | undefined;
  for (const placed of nodesOf(ctx.doc)) {
    const start = placed.node.range?.[0];
    if (start !== undefined && start < ctx.offset && match(placed.node) && start >= (found?.node.range?.[0] ?? -1)) found = placed;
  }
  return found;
}

export function isQuoted(node: Node): boolean {
  return isScalar(node) && (node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE);
}

/** A value in quotes a user can paste back: double quotes unless the value has " or \ in it. */
export function quoted(value: string): string {
  return /["\\]/.test(value) ? `'${value.replace(/'/g, "''")}'` : `"${value}"`;
}
