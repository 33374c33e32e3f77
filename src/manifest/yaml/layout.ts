/**
 * Mistakes of layout: indentation, a missing or extra ': ', a line that is not `name: value`.
 * The parser reports these where its grammar broke, often a line early or late and in terms of
 * "compact mappings" and "implicit keys"; these point at the line the user has to change.
 */
import { opensBlock } from './lines';
import { at, type Context, type Explained, quoted } from './explain';
import type { NodeMistake } from './nodes';

const INDENT_RULE = 'fields of one map start in the same column (use spaces, 2 per level)';

/**
 * "Nested mappings are not allowed in compact mappings": either a value holds ': ' (`health:
 * /health: ok`), or the next line is indented under a field that already has its value.
 */
export function colonInValueOrIndent(ctx: Context): Explained {
  const index = ctx.lines.indexOf(ctx.offset);
  const line = ctx.lines.shape(index);
  const inValue = line.valueColumn !== undefined && ctx.lines.columnOf(ctx.offset) >= line.valueColumn;
  if (inValue && /:(\s|$)/.test(line.value!)) {
    return {
      offset: at(ctx, index, line.valueColumn!),
      field: ctx.lines.fieldAt(index),
      // `image: nginx:` holds no ': ' but ends in ':', which YAML reads the same way.
      message: /:$/.test(line.value!.trimEnd()) && !/:\s/.test(line.value!)
        ? `a value ending in ":" must be quoted, or the ":" dropped: ${line.key}: ${quoted(line.value!)}`
        : `a value containing ": " must be quoted: ${line.key}: ${quoted(line.value!)}`,
    };
  }
  // Otherwise the value runs on into lines below that hold ': ': lines indented under a line
  // above that is itself indented wrong, which is the one to report.
  return indentedUnderValue(ctx, index) ?? misaligned(ctx, index);
}

/** The line after `index`, indented further although the field on `index` already has a value. */
function indentedUnderValue(ctx: Context, index: number): NodeMistake | undefined {
  const next = ctx.lines.nextContent(index);
  if (next === undefined || ctx.lines.shape(next).indent <= ctx.lines.shape(index).indent) return undefined;
  return misaligned(ctx, next);
}

/** A key whose line does not line up with the fields beside it. */
export function misaligned(ctx: Context, index: number): Explained {
  const line = ctx.lines.shape(index);
  const previous = ctx.lines.previousContent(index);
  const before = previous === undefined ? undefined : ctx.lines.shape(previous);
  if (before?.item && !line.item && before.indent === line.indent) return notAnItem(ctx, index);
  if (previous !== undefined && firstKeyIsOff(ctx, previous, line.contentColumn)) return indentedUnlike(ctx, previous, index);
  const isParent = before !== undefined && opensBlock(before) && before.contentColumn < line.contentColumn;
  return { ...indentedUnlike(ctx, index, isParent ? undefined : previous), comparedWith: previous };
}

/**
 * Whether line `first` starts a block one column or more off the usual 2 spaces, while the line
 * after it, at `column`, keeps to them: the parser measures the block from its first key, but
 * the key to move is that first one.
 */
function firstKeyIsOff(ctx: Context, first: number, column: number): boolean {
  const opener = ctx.lines.previousContent(first);
  if (opener === undefined || !opensBlock(ctx.lines.shape(opener))) return false;
  const usual = ctx.lines.shape(opener).contentColumn + 2;
  return column === usual && ctx.lines.shape(first).contentColumn !== usual;
}

function indentedUnlike(ctx: Context, index: number, beside: number | undefined): Explained {
  const line = ctx.lines.shape(index);
  const other = beside === undefined ? undefined : ctx.lines.shape(beside).key;
  const named = other === undefined ? '' : ` ('${other}' on line ${beside! + 1})`;
  return {
    offset: at(ctx, index, line.indent),
    field: ctx.lines.fieldAt(index),
    message: `this line is indented differently from the fields beside it${named}; ${INDENT_RULE}`,
  };
}

/** A line at the column of the list items above it that does not start with `- `. */
export function notAnItem(ctx: Context, index: number): Explained {
  const previous = ctx.lines.previousContent(index);
  const list = previous === undefined ? [] : ctx.lines.fieldAt(previous);
  const listField = typeof list.at(-1) === 'number' ? list.slice(0, -1) : list;
  return {
    offset: at(ctx, index, ctx.lines.shape(index).indent),
    field: listField.length > 0 ? listField : undefined,
    message: "this line is inside the list above but does not start with '- '; start it with '- ' to add an item, or indent it like the field it belongs beside",
    comparedWith: previous,
  };
}

/**
 * "Implicit keys need to be on a single line": a line with no ': ' after its key, whose key
 * YAML then reads on into the next line; or a value followed by a line indented under it.
 */
export function keyRunsOn(ctx: Context): NodeMistake | undefined {
  const index = ctx.lines.indexOf(ctx.offset);
  const line = ctx.lines.shape(index);
  if (line.valueColumn !== undefined && ctx.lines.columnOf(ctx.offset) >= line.valueColumn) return colonInValueOrIndent(ctx);
  return missingColon(ctx, index);
}

/** "Implicit map keys need to be followed by map values": a line in a map that is not `name: value`. */
export function bareLine(ctx: Context): NodeMistake {
  const index = ctx.lines.indexOf(ctx.offset);
  const previous = ctx.lines.previousContent(index);
  const before = previous === undefined ? undefined : ctx.lines.shape(previous);
  if (before?.value !== undefined && /^[|>]/.test(before.value)) {
    return { offset: ctx.offset, field: ctx.lines.fieldAt(previous!), message: blockTextRule() };
  }
  if (before?.item && before.indent === ctx.lines.shape(index).indent) return notAnItem(ctx, index);
  return missingColon(ctx, index);
}

/** A line with no `: ` after its name: `port 80`, `port:80`, or just a word. */
function missingColon(ctx: Context, index: number): NodeMistake {
  const line = ctx.lines.shape(index);
  const content = line.content.replace(/\s+#.*$/, '').trim();
  const offset = at(ctx, index, line.contentColumn);
  const noSpace = /^([^\s:#]+):(\S.*)$/.exec(content);
  if (noSpace) {
    return { offset, field: ctx.lines.fieldAt(index, noSpace[1]), message: `put a space after ':': ${noSpace[1]}: ${noSpace[2]}` };
  }
  if (/^[A-Za-z_][\w-]*$/.test(content)) {
    return { offset, field: ctx.lines.fieldAt(index, content), message: `a field needs ':' after its name: ${content}:` };
  }
  const words = /^([A-Za-z_][\w-]*)\s+(\S.*)$/.exec(content);
  if (words) {
    return { offset, field: ctx.lines.fieldAt(index, words[1]), message: `a field needs ': ' between its name and its value: ${words[1]}: ${words[2]}` };
  }
  return { offset, field: ctx.lines.fieldAt(index), message: "this line is not name: value; a field needs ': ' after its name" };
}

/**
 * "Unexpected ... token in YAML stream": the file's top-level map (or list) ended, and the parser
 * reports every token after it. The cause is near the top: an indented first field, or a first
 * line that starts a list. Said once, and nothing after it is reported.
 */
export function outsideTheMap(ctx: Context): Explained {
  const index = ctx.lines.indexOf(ctx.offset);
  if (ctx.lines.shape(index).content.startsWith(':')) return startsWithColon(ctx, index);
  return firstLineCause(ctx, index) ?? { ...misaligned(ctx, index), swallowed: [ctx.offset, ctx.text.length] };
}

/** `name` on one line and `: value` on the next. */
function startsWithColon(ctx: Context, index: number): NodeMistake {
  return {
    offset: at(ctx, index, ctx.lines.shape(index).contentColumn),
    field: ctx.lines.fieldAt(ctx.lines.previousContent(index) ?? index),
    message: "a line cannot start with ':'; write the field's name and ': ' on the same line, as in name: value",
  };
}

/** The first line of the file, when it is what ended the top-level map before line `index`. */
function firstLineCause(ctx: Context, index: number): Explained | undefined {
  const first = ctx.lines.nextContent(-1);
  if (first === undefined || first >= index) return undefined;
  const [top, line] = [ctx.lines.shape(first), ctx.lines.shape(index)];
  const offset = at(ctx, first, top.indent);
  const swallowed = [offset, ctx.text.length] as const;
  if (top.indent > line.indent) {
    const below = line.key === undefined ? '' : ` ('${line.key}' on line ${index + 1})`;
    const message = `this line is indented further than the fields below it${below}; top-level fields start in the first column`;
    return { offset, field: ctx.lines.fieldAt(first), message, swallowed };
  }
  if (top.item && !line.item) {
    const message = "the file starts with a list item ('- '), so the fields below it cannot follow; a manifest is a map of name: value, so remove the '- '";
    return { offset, message, swallowed };
  }
  return undefined;
}

/** The line the error is about; the parser may notice a line's indentation at the end of the line before. */
export function lineStartingAt(ctx: Context): number {
  const index = ctx.lines.indexOf(ctx.offset);
  return /[\r\n]/.test(ctx.text[ctx.offset] ?? '') ? index + 1 : index;
}

/** What a | or > block of text needs, said where its lines are not indented under the field. */
export function blockTextRule(): string {
  return 'the lines of a | or > text go below its field, each indented further than the field';
}
