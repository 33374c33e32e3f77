/**
 * The YAML parser's errors said in the user's words: what is wrong, where the user made the
 * mistake (not where the parser noticed it), which field, and how to fix it. The parser's own
 * text names its grammar ("compact mappings", "implicit keys"), which a newcomer cannot act on.
 */
import type { Document, ErrorCode, YAMLError } from 'yaml';
import { type Context, type Explained, type Explainer, here } from './explain';
import { bareLine, blockTextRule, colonInValueOrIndent, keyRunsOn, lineStartingAt, misaligned, notAnItem, outsideTheMap } from './layout';
import { SourceLines } from './lines';
import type { NodeMistake } from './nodes';
import {
  badEscape,
  badValueStart,
  blockHeaderWithText,
  directiveRule,
  duplicateKey,
  firstUnclosed,
  notAToken,
  strayIndicator,
  textAfterValue,
  unclosed,
  unclosedHere,
} from './tokens';

interface Reported {
  readonly mistake: Explained;
  readonly explained: boolean;
  /** Where the parser noticed it. */
  readonly noticed: number;
}

/**
 * One explanation per mistake, in reading order. The parser often reports one mistake several
 * times: an over-indented key is both a "compact mapping" and a "multi-line key"; an unclosed
 * quote confuses all that follows; one line indented wrong makes the lines below it look wrong.
 */
export function explainErrors(errors: readonly YAMLError[], text: string, doc: Document): NodeMistake[] {
  const lines = new SourceLines(text);
  // An unclosed quote or bracket swallows the rest of the file: whatever the parser says after
  // it opened, the one mistake is the opening.
  const opening = firstUnclosed(text, doc);
  const reported = errors.map((error): Reported => {
    const ctx: Context = { text, lines, doc, offset: error.pos[0], raw: rawMessage(error) };
    const after = opening !== undefined && error.pos[0] >= opening.node.range![0];
    const explained = after ? unclosed(ctx, opening) : explainerFor(error.code, ctx.raw)?.(ctx);
    return { mistake: explained ?? unexplained(ctx), explained: explained !== undefined, noticed: error.pos[0] };
  });
  return oncePerCause(withoutSwallowed(reported), lines).map(({ swallowed: _s, comparedWith: _c, ...mistake }) => mistake);
}

function withoutSwallowed(reported: readonly Reported[]): Reported[] {
  const swallowed = reported.flatMap(({ mistake }) => (mistake.swallowed ? [mistake.swallowed] : []));
  return reported.filter((one) => !swallowed.some(([from, to]) => from < one.mistake.offset && one.noticed <= to));
}

/** The first explained mistake of each line, without lines that only seem wrong beside a wrong line. */
function oncePerCause(reported: readonly Reported[], lines: SourceLines): Explained[] {
  const byLine = new Map<number, Reported>();
  for (const one of reported) {
    const line = lines.indexOf(one.mistake.offset);
    const kept = byLine.get(line);
    if (!kept || (one.explained && !kept.explained)) byLine.set(line, one);
  }
  const kept: Explained[] = [];
  // Lines found wrong, and lines where the parser noticed a mistake it made on another line.
  const wrongLines = new Set<number>();
  for (const [line, { mistake, noticed }] of [...byLine].sort(([a], [b]) => a - b)) {
    if (!(mistake.comparedWith !== undefined && wrongLines.has(mistake.comparedWith))) kept.push(mistake);
    wrongLines.add(line).add(lines.indexOf(noticed));
  }
  return kept;
}

function rawMessage(error: YAMLError): string {
  return error.message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
}

/** Which explanation fits an error: by its code, and for codes that cover several mistakes, its text. */
const EXPLAINERS: ReadonlyArray<readonly [ErrorCode, RegExp, Explainer]> = [
  ['BLOCK_AS_IMPLICIT_KEY', /^Nested mappings/, colonInValueOrIndent],
  ['BLOCK_AS_IMPLICIT_KEY', /block sequence/, (ctx) => misaligned(ctx, ctx.lines.indexOf(ctx.offset))],
  ['MULTILINE_IMPLICIT_KEY', /^Implicit keys need/, keyRunsOn],
  ['MULTILINE_IMPLICIT_KEY', /flow sequence/, here('an item between [ ] runs onto the next line; put a comma between items')],
  ['BAD_INDENT', /^All (mapping|sequence) items/, (ctx) => misaligned(ctx, lineStartingAt(ctx))],
  ['BAD_INDENT', /^Flow (sequence|map)/, unclosedHere],
  ['BAD_INDENT', /^Block scalar/, here(blockTextRule())],
  ['MISSING_CHAR', /^Flow (sequence|map)/, unclosedHere],
  ['MISSING_CHAR', /^Missing closing/, unclosedHere],
  ['MISSING_CHAR', /^Implicit map keys need/, bareLine],
  ['MISSING_CHAR', /^Sequence item without/, (ctx) => notAnItem(ctx, ctx.lines.indexOf(ctx.offset))],
  ['MISSING_CHAR', /^Missing ,/, here("separate the items between [ ] or { } with ', '")],
  ['MISSING_CHAR', /^Missing space after :/, here("put a space after ':' between { }")],
  ['MISSING_CHAR', /^Comments must be separated/, here("put a space before '#' to start a comment, or quote the value if '#' is part of it")],
  ['MISSING_CHAR', /^Tags and anchors must be separated/, here('put a space after an anchor (&name) or tag, before the value')],
  ['MISSING_CHAR', /directives/, here(directiveRule())],
  ['MISSING_CHAR', /^Block scalars with more-indented/, here(blockTextRule())],
  ['TAB_AS_INDENT', /./, here('tabs cannot indent YAML; use spaces')],
  ['DUPLICATE_KEY', /./, duplicateKey],
  ['BAD_SCALAR_START', /./, badValueStart],
  ['UNEXPECTED_TOKEN', /same line with key/, here("a list cannot start on its field's line; put each '- item' on a line of its own below, or write [a, b]")],
  ['UNEXPECTED_TOKEN', /at node end/, textAfterValue],
  ['UNEXPECTED_TOKEN', /in YAML (stream|document)/, outsideTheMap],
  ['UNEXPECTED_TOKEN', /^Block scalar header includes extra/, blockHeaderWithText],
  ['UNEXPECTED_TOKEN', /^Not a YAML token/, notAToken],
  ['UNEXPECTED_TOKEN', /^Unexpected scalar token$/, textAfterValue],
  ['UNEXPECTED_TOKEN', /^Unexpected (,|empty item)/, here("an empty item between [ ] or { }; remove the extra ','")],
  ['UNEXPECTED_TOKEN', /^Unexpected (flow-seq-end|flow-map-end|\]|\})/, here('a closing bracket with no opening one; remove it, or quote the value')],
  ['UNEXPECTED_TOKEN', /^Unexpected \S+ in /, strayIndicator],
  ['MULTIPLE_DOCS', /./, here("a file holds one YAML document; remove this '---' and move what follows into a file of its own")],
  ['BAD_DQ_ESCAPE', /./, badEscape],
  ['BAD_DIRECTIVE', /./, here(directiveRule())],
  ['BLOCK_IN_FLOW', /./, here("between [ ] or { } write items on one line, separated by ', '; a '- ' list or an indented map cannot go inside brackets")],
  ['KEY_OVER_1024_CHARS', /./, here("a field name must end with ': ' within 1024 characters; is the ': ' missing?")],
  ['MULTIPLE_ANCHORS', /./, here('a value can have only one anchor (&name)')],
  ['MULTIPLE_TAGS', /./, here('a value can have only one tag')],
  ['ALIAS_PROPS', /./, here('an alias (*name) stands for a value set elsewhere; it cannot have an anchor or tag of its own')],
  ['BAD_PROP_ORDER', /./, here("an anchor (&name) goes after the '- ', not before it")],
  ['BAD_ALIAS', /./, here('an anchor or alias needs a name, as in &defaults and *defaults')],
  ['TAG_RESOLVE_FAILED', /./, here('cityplan files do not use YAML tags (!name, !!type); remove the tag')],
  ['BAD_COLLECTION_TYPE', /./, here('cityplan files do not use YAML tags (!name, !!type); remove the tag')],
  ['NON_STRING_KEY', /./, here('a field name must be plain text, not a [list] or {map}')],
  ['RESOURCE_EXHAUSTION', /./, here('this is nested too deeply to read')],
];

function explainerFor(code: ErrorCode, raw: string): Explainer | undefined {
  return EXPLAINERS.find(([c, pattern]) => c === code && pattern.test(raw))?.[2];
}

/** A mistake the parser found that no explanation fits: its own words, at least at the right line. */
function unexplained(ctx: Context): NodeMistake {
  const line = ctx.lines.indexOf(ctx.offset);
  return { offset: ctx.offset, field: ctx.lines.fieldAt(line), message: `YAML cannot read this (${ctx.raw}); check the indentation and quotes on this line` };
}

