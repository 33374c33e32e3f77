/**
 * Mistakes of tokens: quotes and brackets never closed, text after a value's end, values that
 * start with a character YAML reserves, duplicate keys, escapes.
 */
import { type Document, isCollection, isMap, isScalar, isSeq, type Node } from 'yaml';
import { type Context, type Explained, fieldOf, here, isQuoted, lastBefore, quoted } from './explain';
import { isMergePair, keyName, type NodeMistake, nodesOf, type Placed } from './nodes';

/** The first quote or [ { in the file that is never closed. */
export function firstUnclosed(text: string, doc: Document): Placed | undefined {
  for (const placed of nodesOf(doc)) if (isUnclosed(text, placed.node)) return placed;
  return undefined;
}

function isUnclosed(text: string, node: Node): boolean {
  if (isQuoted(node)) return !endsWith(text, node, text[node.range![0]]!);
  if (!isCollection(node) || !node.flow || !/[[{]/.test(text[node.range![0]] ?? '')) return false;
  return bracketDepth(text.slice(node.range![0], node.range![1])) > 0;
}

/** How many [ and { in `text` are left open, not counting those in quotes. */
function bracketDepth(text: string): number {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g, '');
  return (bare.match(/[[{]/g) ?? []).length - (bare.match(/[\]}]/g) ?? []).length;
}

/**
 * An unclosed quote or bracket runs on to the end of the file or block, where the parser notices;
 * point at where it opens.
 */
export function unclosed(ctx: Context, opened: Placed): Explained {
  const offset = opened.node.range?.[0] ?? ctx.offset;
  const open = ctx.text[offset]!;
  const message = isScalar(opened.node)
    ? `the quote opened here is never closed; end the value with ${open}`
    : `the ${open === '[' ? 'list' : 'map'} opened here with ${open} is never closed; end it with ${open === '[' ? ']' : '}'} on the same line`;
  return { offset, field: fieldOf(ctx, offset), message, swallowed: [offset, ctx.offset] };
}

/** "Missing closing quote", or an unclosed [ or { noticed where the block ends. */
export function unclosedHere(ctx: Context): Explained | undefined {
  // A bracket closed only inside a comment (`[#a, b]`) is closed to the eye, not to YAML: failing
  // an unclosed one, the last opening of the kind the parser names is the one.
  const kind = ctx.raw.includes('quote') ? isQuoted : (node: Node) => isCollection(node) && /[[{]/.test(ctx.text[node.range![0]] ?? '');
  const opened = lastBefore(ctx, (node) => isUnclosed(ctx.text, node)) ?? lastBefore(ctx, kind);
  return opened ? unclosed(ctx, opened) : undefined;
}

/** Whether a node's text ends with `close` (a quote or bracket that is not also its opening). */
function endsWith(text: string, node: Node, close: string): boolean {
  const [start, end] = node.range ?? [0, 0];
  const own = text.slice(start, end).trimEnd();
  return own.length > 1 && own.endsWith(close);
}

/** Names the key and the line of its first setting in the same map. */
export function duplicateKey(ctx: Context): NodeMistake {
  for (const { node } of nodesOf(ctx.doc)) {
    if (!isMap(node)) continue;
    const index = node.items.findIndex((pair) => keyStart(pair.key) === ctx.offset);
    if (index < 0) continue;
    const name = keyName(node.items[index]!);
    const first = node.items.find((pair) => !isMergePair(pair) && keyName(pair) === name);
    const firstOffset = keyStart(first?.key);
    const where = firstOffset === undefined ? 'above' : `on line ${ctx.lines.indexOf(firstOffset) + 1}`;
    return { offset: ctx.offset, field: fieldOf(ctx, ctx.offset, name), message: `duplicate key '${name}': already set ${where}; keep one` };
  }
  return here('this key is already set above in the same map; keep one')(ctx)!;
}

function keyStart(key: unknown): number | undefined {
  return (key as Node | null | undefined)?.range?.[0];
}

/** A plain value may not start with `@`, `` ` `` or `%`; quoting it is the fix. */
export function badValueStart(ctx: Context): NodeMistake {
  return cannotStartWith(ctx, ctx.text[ctx.offset] ?? '');
}

/** "Block scalar header includes extra characters: |web": a value starting with | or > on its field's line. */
export function blockHeaderWithText(ctx: Context): NodeMistake {
  return cannotStartWith(ctx, /: ([|>])/.exec(ctx.raw)?.[1] ?? ctx.text[ctx.offset] ?? '');
}

function cannotStartWith(ctx: Context, char: string): NodeMistake {
  const index = ctx.lines.indexOf(ctx.offset);
  const line = ctx.lines.shape(index);
  if (ctx.lines.columnOf(ctx.offset) === line.contentColumn && /^\S*:(\s|$)/.test(line.content)) {
    return { offset: ctx.offset, field: ctx.lines.fieldAt(index), message: `a field name cannot start with ${char}; remove the ${char}` };
  }
  const example = line.key !== undefined && line.value?.startsWith(char) ? `: ${line.key}: ${quoted(line.value)}` : '';
  const block = char === '|' || char === '>' ? ` (a lone ${char} starts a block of text on the lines below)` : '';
  return { offset: ctx.offset, field: ctx.lines.fieldAt(index), message: `a value cannot start with ${char}${block}; quote it${example}` };
}

/**
 * Text after a value that has ended: `"nginx" 1`, or `[a] b`. When a quote ends on a later line
 * than it opened, the quote that closes here was most likely meant to close where it opened.
 */
export function textAfterValue(ctx: Context): Explained {
  const quote = lastBefore(ctx, (node) => isQuoted(node) && node.range![1] <= ctx.offset);
  const [start, end] = quote?.node.range ?? [0, 0];
  if (quote && ctx.text.slice(end, ctx.offset).trim() === '' && ctx.lines.indexOf(start) !== ctx.lines.indexOf(end - 1)) {
    return {
      offset: start,
      field: fieldOf(ctx, start),
      message: `the quote opened here runs on to line ${ctx.lines.indexOf(end - 1) + 1}; end the value with ${ctx.text[start]} on this line`,
      swallowed: [start, ctx.offset],
    };
  }
  const before = ctx.text.slice(0, ctx.offset).trimEnd().at(-1);
  const after = before === '"' || before === "'" ? 'the closing quote' : before === ']' || before === '}' ? `the closing ${before}` : 'the value';
  return {
    offset: ctx.offset,
    field: ctx.lines.fieldAt(ctx.lines.indexOf(ctx.offset)),
    message: `there is more after ${after}; put the whole value inside quotes`,
  };
}

/** A `:` or `?` where the parser expected a value, as in `{min: : 2}`. */
export function strayIndicator(ctx: Context): NodeMistake {
  const char = ctx.text[ctx.offset] ?? '';
  return {
    offset: ctx.offset,
    field: ctx.lines.fieldAt(ctx.lines.indexOf(ctx.offset)),
    message: `'${char}' cannot stand here; remove it, or quote the value it belongs to`,
  };
}

/** "Not a YAML token": text after a `|` or `>` on its line, or text the parser cannot place. */
export function notAToken(ctx: Context): NodeMistake {
  const before = ctx.text.slice(0, ctx.offset).trimEnd().at(-1);
  const message =
    before === '|' || before === '>'
      ? `a ${before} starts a block of text on the lines below and must end its line; quote a value that starts with ${before}`
      : 'YAML cannot read this line; check its indentation and its quotes';
  return { offset: ctx.offset, field: ctx.lines.fieldAt(ctx.lines.indexOf(ctx.offset)), message };
}

/** A backslash escape that double quotes do not know, as in a Windows path `"C:\data"`. */
export function badEscape(ctx: Context): NodeMistake {
  const escape = /^\\(x..|u....|U........|.)?/s.exec(ctx.text.slice(ctx.offset))?.[0] ?? '\\';
  return {
    offset: ctx.offset,
    field: ctx.lines.fieldAt(ctx.lines.indexOf(ctx.offset)),
    message: `${escape} is not an escape YAML knows between double quotes; use single quotes for text with backslashes, or write \\\\ for one backslash`,
  };
}

/** Said of `%YAML` lines and their missing `---`: no manifest needs a directive. */
export function directiveRule(): string {
  return "cityplan files do not use YAML directives (lines starting with %); remove the line, or quote a value that starts with '%'";
}
