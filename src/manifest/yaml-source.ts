import { readFileSync } from 'node:fs';
import { Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { type Problem, fieldPath } from './problems';

/** A parsed YAML file that can say where any field of it is. */
export class YamlSource {
  private constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Parses `absolutePath`; `file` is the name used in messages. Syntax and duplicate keys are problems. */
  static read(absolutePath: string, file: string): { source?: YamlSource; problems: Problem[] } {
    const text = readFileSync(absolutePath, 'utf8');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
    const problems: Problem[] = doc.errors.map((e) => ({
      file,
      line: lines.linePos(e.pos[0]).line,
      column: lines.linePos(e.pos[0]).col,
      ...(e.code === 'DUPLICATE_KEY'
        ? { field: /^[^:\s]+/.exec(text.slice(e.pos[0]))?.[0], message: 'duplicate key: this field is already set above' }
        : { message: firstLine(e.message) }),
    }));
    if (problems.length > 0) return { problems };
    if (doc.contents !== null && !isMap(doc.contents)) {
      return { problems: [{ file, line: 1, column: 1, message: 'must be a YAML mapping of field: value' }] };
    }
    return { source: new YamlSource(file, doc, lines), problems: [] };
  }

  /** The plain data of the file ({} when the file is empty). */
  data(): unknown {
    return this.doc.toJS() ?? {};
  }

  /**
   * A problem located at `path`: at the value, or at the key when `atKey`, or at the nearest
   * enclosing field that exists when the path is missing (a required field not given).
   */
  problem(path: readonly PropertyKey[], message: string, atKey = false): Problem {
    const { line, column } = this.position(path, atKey);
    return { file: this.file, line, column, field: path.length > 0 ? fieldPath(path) : undefined, message };
  }

  position(path: readonly PropertyKey[], atKey = false): { line: number; column: number } {
    let node: Node | null | undefined = this.doc.contents as Node | null;
    let offset = node?.range?.[0] ?? 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node;
        const valueNode = pair.value as Node | null;
        offset = atKey || !valueNode?.range ? (keyNode.range?.[0] ?? offset) : valueNode.range[0];
        node = valueNode;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg] as Node;
        offset = node.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    const pos = this.lines.linePos(offset);
    return { line: pos.line, column: pos.col };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+.*$/, '');
}
