/**
 * The raw lines of a YAML file, read the way a person reads them: by indentation. When the parser
 * gives up, its tree is no guide to what the user meant, but the text still is: the key at the
 * start of a line, and the less-indented keys above it, name the field the user was writing.
 */

/** One line as a person sees it. Columns are 0-based offsets into the line. */
export interface LineShape {
  /** Empty, or only a comment. */
  readonly blank: boolean;
  /** Column of the first character that is not a space or tab. */
  readonly indent: number;
  /** Whether the line starts with `- `: an item of a block list. */
  readonly item: boolean;
  /** Column where the line's content starts after any `- ` markers. */
  readonly contentColumn: number;
  /** The text from `contentColumn` on. */
  readonly content: string;
  readonly key?: string;
  /** Column of the value after `key:`, when there is one on this line. */
  readonly valueColumn?: number;
  /** The value after `key: `, without a trailing comment; '' when the line only opens a block. */
  readonly value?: string;
}

// A key is the text before the first ':' that ends the line or is followed by a space: quoted,
// or plain (not starting with a YAML indicator).
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"[\]{},&*!|>%@`][^#]*?)[ \t]*:(?=[ \t]|$)/;

/** Splits YAML text into lines that know their offsets and shapes. */
export class SourceLines {
  private readonly starts: number[] = [0];
  private readonly texts: string[];
  private readonly shapes = new Map<number, LineShape>();

  constructor(text: string) {
    const raw = text.split('\n');
    for (const line of raw.slice(0, -1)) this.starts.push(this.starts.at(-1)! + line.length + 1);
    // Windows line ends and a byte-order mark are not content (columns on a BOM's line read one less).
    this.texts = raw.map((line) => line.replace(/\r$/, ''));
    this.texts[0] = this.texts[0]!.replace(/^\uFEFF/, '');
  }

  get count(): number {
    return this.texts.length;
  }

  /** The 0-based index of the line holding `offset`. */
  indexOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** The offset where line `index` starts. */
  startOf(index: number): number {
    return this.starts[index] ?? this.starts.at(-1)!;
  }

  /** 0-based column of `offset` within its line. */
  columnOf(offset: number): number {
    return offset - this.starts[this.indexOf(offset)]!;
  }

  text(index: number): string {
    return this.texts[index] ?? '';
  }

  shape(index: number): LineShape {
    let shape = this.shapes.get(index);
    if (!shape) {
      shape = shapeOf(this.text(index));
      this.shapes.set(index, shape);
    }
    return shape;
  }

  /** The nearest line above `index` with content, if any. */
  previousContent(index: number): number | undefined {
    for (let i = index - 1; i >= 0; i--) if (!this.shape(i).blank) return i;
    return undefined;
  }

  /** The nearest line below `index` with content, if any. */
  nextContent(index: number): number | undefined {
    for (let i = index + 1; i < this.count; i++) if (!this.shape(i).blank) return i;
    return undefined;
  }

  /**
   * The field a line belongs to, guessed from indentation: the line's own key (or `guess`, a name
   * the caller read another way), under the nearest less-indented keys above that open a block.
   * A key indented too far or too little still lands under the block it was meant for.
   */
  fieldAt(index: number, guess?: string): PropertyKey[] {
    const own = this.shape(index).key ?? guess;
    const path: PropertyKey[] = own === undefined ? [] : [own];
    for (let at: number | undefined = index; at !== undefined; ) {
      const line = this.shape(at);
      if (line.item) {
        path.unshift(this.itemIndex(at, line.indent));
        at = this.parentOfItem(at, line.indent);
        if (at !== undefined) path.unshift(this.shape(at).key!);
        continue;
      }
      const parent = this.parentOfKey(at, line.contentColumn);
      const holder = parent === undefined ? undefined : this.shape(parent);
      // Unless it opens a block for this line, a list item above (`- name: x` over `  port: 1`)
      // holds the line in its own map: the item, not its key, is the parent.
      if (holder && opensBlock(holder) && holder.contentColumn < line.contentColumn) path.unshift(holder.key!);
      at = parent;
    }
    return path;
  }

  /**
   * The nearest line above `index` that opens a block to the left of `column`, or starts the list
   * item whose map the line is in. Lines in between that cannot hold it are passed over.
   */
  private parentOfKey(index: number, column: number): number | undefined {
    for (let i = index - 1; i >= 0 && column > 0; i--) {
      const line = this.shape(i);
      if (line.blank) continue;
      if ((line.contentColumn < column && opensBlock(line)) || (line.item && line.indent < column)) return i;
    }
    return undefined;
  }

  /** The line of the field holding the list whose item is on line `index`, its `- ` at column `dash`. */
  private parentOfItem(index: number, dash: number): number | undefined {
    for (let i = index - 1; i >= 0; i--) {
      const line = this.shape(i);
      if (line.blank || (line.item && line.indent === dash) || line.contentColumn > dash) continue;
      // A list may sit at the same column as its field (`secrets:` then `- A`).
      return opensBlock(line) ? i : undefined;
    }
    return undefined;
  }

  /** How many items of the same list come before the item on line `index`. */
  private itemIndex(index: number, dash: number): number {
    let count = 0;
    for (let i = index - 1; i >= 0; i--) {
      const line = this.shape(i);
      if (line.blank || line.indent > dash) continue;
      if (line.indent < dash || !line.item) break;
      count++;
    }
    return count;
  }
}

/** Whether a line is `key:` with nothing after it but an anchor or tag: the start of a nested block. */
export function opensBlock(line: LineShape): boolean {
  return line.key !== undefined && /^([&!]\S*\s*)*$/.test(line.value ?? '');
}

function shapeOf(text: string): LineShape {
  const indent = /^[ \t]*/.exec(text)![0].length;
  const marker = /^(?:-(?:[ \t]+|$))*/.exec(text.slice(indent))![0];
  const contentColumn = indent + marker.length;
  const content = text.slice(contentColumn);
  const shape = { blank: marker === '' && (content === '' || content.startsWith('#')), indent, item: marker !== '', contentColumn, content };
  const keyMatch = KEY.exec(content);
  if (!keyMatch) return shape;
  const after = content.slice(keyMatch[0].length);
  const gap = /^[ \t]*/.exec(after)![0].length;
  const value = after.slice(gap).replace(/(^|[ \t]+)#.*$/, '');
  const valueColumn = value === '' ? undefined : contentColumn + keyMatch[0].length + gap;
  return { ...shape, key: unquote(keyMatch[1]!), valueColumn, value };
}

function unquote(key: string): string {
  if (key.startsWith('"')) return key.slice(1, -1).replace(/\\(.)/g, '$1');
  if (key.startsWith("'")) return key.slice(1, -1).replace(/''/g, "'");
  return key;
}
