import { readFileSync } from 'node:fs';
import { isUserFixable, reasonOf } from '../files/file-error';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Problem, fieldPath } from './problems';
import { explainErrors } from './yaml/mistakes';
import { aliasBombMistake, aliasMistakes, isMergePair, MAX_ALIAS_COUNT, type NodeMistake } from './yaml/nodes';

/**
 * A parsed YAML file that can say where any field of it is. Anchors, aliases and YAML 1.1 merge
 * keys (`<<: *base`) are read; duplicate keys and tabs for indentation are problems, and every
 * syntax error is explained in the user's words at the line the user has to change.
 */
export class YamlSource {
  private constructor(
    readonly file: string,
    /** The document and its lines, or the text to parse them from when a position is first asked for. */
    private parsed: { readonly doc: Document; readonly lines: LineCounter } | { readonly text: string },
    private readonly value: unknown,
  ) {}

  /** Parses `absolutePath`; `file` is the name used in messages. Syntax and duplicate keys are problems. */
  static read(absolutePath: string, file: string): { source?: YamlSource; problems: Problem[] } {
    const read = YamlSource.text(absolutePath, file);
    return 'text' in read ? YamlSource.parse(read.text, file) : read;
  }

  /**
   * The text of `absolutePath`, or the problem of reading it; `file` is the name used in messages.
   * @throws what reading throws for a reason the user cannot fix
   */
  static text(absolutePath: string, file: string): { text: string } | { problems: Problem[] } {
    try {
      return { text: readFileSync(absolutePath, 'utf8') };
    } catch (e) {
      // A folder of that name, a link to nothing, a file it may not read: the user's to fix.
      if (!isUserFixable(e)) throw e;
      // Reading, a missing path is a link to nothing (the file was listed, so it is no typo).
      const why = e.code === 'ENOENT' ? 'it is a link to a file that does not exist (ENOENT)' : reasonOf(e);
      return { problems: [{ file, message: `cannot be read: ${why}; it must be a readable YAML file` }] };
    }
  }

  /**
   * A source whose data an earlier parse of the same text gave without a problem (manifest-cache.ts):
   * the text is parsed again only when a position in it is asked for, exactly as `parse` would.
   */
  static known(file: string, text: string, data: unknown): YamlSource {
    return new YamlSource(file, { text }, data);
  }

  /** Parses the text of `file` (the name used in messages). Syntax and duplicate keys are problems. */
  static parse(text: string, file: string): { source?: YamlSource; problems: Problem[] } {
    const { doc, lines } = parsed(text);
    const located = (mistakes: readonly NodeMistake[]) => mistakes.map((m) => locate(file, lines, m));
    if (doc.errors.length > 0) return { problems: located(explainErrors(doc.errors, text, doc)) };
    const aliases = aliasMistakes(doc);
    if (aliases.length > 0) return { problems: located(aliases) };
    const value = plainData(doc);
    if ('mistake' in value) return { problems: located([value.mistake]) };
    if (doc.contents !== null && !isMap(doc.contents)) {
      return { problems: [{ file, line: 1, column: 1, message: 'must be a YAML mapping of field: value' }] };
    }
    return { source: new YamlSource(file, { doc, lines }, value.data ?? {}), problems: [] };
  }

  /** The plain data of the file ({} when the file is empty), aliases and merges resolved; a fresh copy each call. */
  data(): unknown {
    return structuredClone(this.value);
  }

  /**
   * A problem located at `path`: at the value, or at the key when `atKey`, or at the nearest
   * enclosing field that exists when the path is missing (a required field not given).
   */
  problem(path: readonly PropertyKey[], message: string, atKey = false): Problem {
    const { line, column } = this.position(path, atKey);
    return { file: this.file, line, column, field: path.length > 0 ? fieldPath(path) : undefined, message };
  }

  /**
   * The line and column of `path`. A value that came through an alias or a merge key is not
   * written where the path says, so it is located at the alias (`*base`) that brought it.
   */
  position(path: readonly PropertyKey[], atKey = false): { line: number; column: number } {
    if ('text' in this.parsed) this.parsed = parsed(this.parsed.text);
    const { doc, lines } = this.parsed;
    let node: Node | null | undefined = doc.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) {
          const merge = node.items.find(isMergePair);
          offset = (merge?.value as Node | null | undefined)?.range?.[0] ?? offset;
          break;
        }
        const keyNode = pair.key as Node;
        const valueNode = pair.value as Node | null;
        offset = atKey || !valueNode?.range ? (keyNode.range?.[0] ?? offset) : valueNode.range[0];
        node = valueNode;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg] as Node;
        offset = node.range?.[0] ?? offset;
      } else {
        // Past an alias (or a scalar) there is nothing closer to point at than where we are.
        break;
      }
    }
    const pos = lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

/** The document of a YAML text, and its lines (for positions). */
function parsed(text: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  // Keys are field names, so strings (a list as a key is a mistake); the library's own console
  // warnings are off, as every problem is reported through cityplan's output.
  const doc = parseDocument(text, {
    lineCounter: lines,
    uniqueKeys: true,
    stringKeys: true,
    merge: true,
    prettyErrors: false,
    strict: true,
    logLevel: 'error',
  });
  return { doc, lines };
}

/** The file's data, or where and why it cannot be made: too many aliases, or a merge YAML refused. */
function plainData(doc: Document): { data: unknown } | { mistake: NodeMistake } {
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
  } catch (e) {
    if (/alias count/i.test(String(e))) return { mistake: aliasBombMistake(doc) };
    return { mistake: { offset: 0, message: `cannot be read as data: ${e instanceof Error ? e.message : String(e)}` } };
  }
}

function locate(file: string, lines: LineCounter, mistake: NodeMistake): Problem {
  const { line, col } = lines.linePos(mistake.offset);
  const field = mistake.field && mistake.field.length > 0 ? fieldPath(mistake.field) : undefined;
  return { file, line, column: col, field, message: mistake.message };
}
