/**
 * The syntax checks a CloudWatch Logs filter pattern must pass before a deployment, so that a
 * mistake in `logs.alarmOn` is a validation problem at its line, not a failed stack update
 * (PutMetricFilter rejects an invalid pattern with InvalidParameterException).
 *
 * What is checked, from "Filter pattern syntax" and "Supported regular expressions (regex) syntax"
 * in the CloudWatch Logs user guide: quotes are balanced; a JSON pattern is one `{ … }` with
 * balanced parentheses and at least one `$.` selector and nothing after its closing brace; a
 * space-delimited pattern is one `[ … ]`; each regular expression `%…%` uses only letters, digits,
 * the symbols `: _ # = @ / ; , -` and the operators `^ $ ? [ ] { } | \ * + .` (no parentheses, no
 * multibyte characters) and compiles. This is not CloudWatch's full grammar (that is not published
 * as one): a pattern passing here may still be refused at deployment, never the other way round.
 */

/** Characters CloudWatch Logs allows inside `%…%` (its documented regex subset). */
const REGEX_CHARACTERS = /^[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+.]*$/;

/** Why `pattern` is not a valid filter pattern, or undefined when it passes the checks above. */
export function filterPatternProblem(pattern: string): string | undefined {
  const quotes = quoteProblem(pattern);
  if (quotes) return quotes;
  for (const regex of regexes(pattern)) {
    if (!REGEX_CHARACTERS.test(regex)) {
      const bad = [...regex].find((c) => !REGEX_CHARACTERS.test(c));
      return `regular expression %${regex}% uses '${bad}', which CloudWatch Logs does not support in %…% (letters, digits, : _ # = @ / ; , - and ^ $ ? [ ] { } | \\ * + . only; no parentheses)`;
    }
    try {
      new RegExp(regex);
    } catch (e) {
      return `regular expression %${regex}% does not compile (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`;
    }
  }
  const text = pattern.trim();
  const outside = withoutQuotedAndRegex(text);
  if (text.startsWith('{')) {
    const close = closingOf(outside, '{', '}');
    if (close === undefined) return "a JSON pattern must end with its closing '}', as in { $.level = \"ERROR\" }";
    if (outside.slice(close + 1).trim() !== '') return `has '${text.slice(close + 1).trim()}' after the JSON pattern's closing '}'; put every condition inside the braces, joined with && or ||`;
    if (!outside.includes('$.')) return 'a JSON pattern compares a field selected with $., as in { $.level = "ERROR" }';
    if (balance(outside, '(', ')') !== 0) return 'has unbalanced parentheses in the JSON pattern';
    return undefined;
  }
  if (text.startsWith('[')) {
    const close = closingOf(outside, '[', ']');
    if (close === undefined || outside.slice(close + 1).trim() !== '') return "a space-delimited pattern is one [ … ], as in [ip, user, status = 5*]";
    return undefined;
  }
  if (/[{}]/.test(outside)) return "has a brace outside a JSON pattern; a JSON pattern starts with '{' and ends with '}', as in { $.level = \"ERROR\" }";
  return undefined;
}

function quoteProblem(pattern: string): string | undefined {
  let inQuote = false;
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === '"') inQuote = !inQuote;
  }
  return inQuote ? 'has an opening " without its closing "; quote a phrase as "payment provider unreachable"' : undefined;
}

/** The `%…%` regular expressions of a pattern, outside quoted text. */
function regexes(pattern: string): string[] {
  return [...stripQuoted(pattern).matchAll(/%([^%]*)%/g)].map((m) => m[1]!);
}

/** The pattern with quoted text blanked (same length, so positions hold). */
function stripQuoted(pattern: string): string {
  return pattern.replace(/"(?:[^"\\]|\\.)*"/g, (m) => ' '.repeat(m.length));
}

/** The pattern with quoted text and regular expressions blanked (same length). */
function withoutQuotedAndRegex(pattern: string): string {
  return stripQuoted(pattern).replace(/%[^%]*%/g, (m) => ' '.repeat(m.length));
}

/** The index of the bracket that closes the one at 0, or undefined. */
function closingOf(text: string, open: string, close: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return undefined;
}

function balance(text: string, open: string, close: string): number {
  let depth = 0;
  for (const c of text) {
    if (c === open) depth++;
    else if (c === close && --depth < 0) return -1;
  }
  return depth;
}
