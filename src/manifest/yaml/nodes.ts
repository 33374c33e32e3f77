/**
 * The parsed tree of a YAML file walked in reading order, each node with the field path it sits
 * at; and the checks on anchors, aliases and merge keys that the parser leaves to `toJS`, which
 * would otherwise throw without saying where.
 */
import { type Alias, type Document, isAlias, isCollection, isMap, isScalar, isSeq, type Node, type Pair, Scalar } from 'yaml';

export interface Placed {
  readonly node: Node;
  readonly path: readonly PropertyKey[];
}

/** A mistake found in the tree: the offset it starts at, its field, and what to do. */
export interface NodeMistake {
  readonly offset: number;
  readonly field?: readonly PropertyKey[];
  readonly message: string;
}

/**
 * How far aliases may expand: an anchor may be used this many times, fewer if its value holds
 * aliases itself. Enough for any manifest; too few for an alias bomb to grow.
 */
export const MAX_ALIAS_COUNT = 100;

/** Every node of the document in reading order (a map's keys included, before their values). */
export function* nodesOf(doc: Document): Generator<Placed> {
  yield* walk(doc.contents as Node | null, []);
}

function* walk(node: Node | null | undefined, path: readonly PropertyKey[]): Generator<Placed> {
  if (!node) return;
  yield { node, path };
  if (isMap(node)) {
    for (const pair of node.items) {
      const field = [...path, keyName(pair)];
      yield* walk(pair.key as Node | null, field);
      yield* walk(pair.value as Node | null, field);
    }
  } else if (isSeq(node)) {
    for (const [i, item] of node.items.entries()) yield* walk(item as Node | null, [...path, i]);
  }
}

/** A pair's key as a field name; a merge key reads as `<<`. */
export function keyName(pair: Pair): string {
  if (isAlias(pair.key)) return `*${pair.key.source}`;
  // A map or list as a key is not a field name; printing it could run merges that throw.
  if (!isScalar(pair.key)) return '?';
  const key = pair.key.value;
  return typeof key === 'symbol' ? (key.description ?? '') : String(key);
}

/**
 * Whether a pair is a YAML 1.1 merge key (`<<: *base`): a plain `<<`, which parses to a symbol,
 * or with string keys on, stays the string that YAML merges on when turning it into data.
 */
export function isMergePair(pair: Pair): boolean {
  if (!isScalar(pair.key)) return false;
  const { value, type } = pair.key;
  return typeof value === 'symbol' || (value === '<<' && (type === undefined || type === Scalar.PLAIN));
}

/**
 * Aliases that name no anchor above them, and merge keys whose value is not a map, in reading
 * order. An anchor counts from where it is set on: YAML reads an alias as the nearest anchor above.
 */
export function aliasMistakes(doc: Document): NodeMistake[] {
  const anchors = new Map<string, Node>();
  const mistakes: NodeMistake[] = [];
  for (const { node, path } of nodesOf(doc)) {
    if (isAlias(node)) {
      const mistake = unresolved(node, anchors.get(node.source));
      if (mistake) mistakes.push({ offset: node.range?.[0] ?? 0, field: path, message: mistake });
    }
    if (isMap(node)) mistakes.push(...badMerges(node.items, anchors, path));
    if (!isAlias(node) && node.anchor) anchors.set(node.anchor, node);
  }
  return mistakes;
}

function unresolved(alias: Alias, target: Node | undefined): string | undefined {
  const name = alias.source;
  if (!target) return `*${name} names no anchor; set &${name} on a value above it, then use *${name}`;
  // A value that holds itself has no end: the data could not be written out or checked.
  const [start, , end] = target.range ?? [0, 0, 0];
  const at = alias.range?.[0] ?? 0;
  if (start <= at && at < end) return `*${name} is inside the value that &${name} names, so that value would hold itself; use the alias after it`;
  return undefined;
}

function badMerges(pairs: readonly Pair[], anchors: ReadonlyMap<string, Node>, path: readonly PropertyKey[]): NodeMistake[] {
  return pairs
    .filter((pair) => isMergePair(pair) && !mergesMaps(pair.value as Node | null, anchors))
    .map((pair) => ({
      offset: ((pair.value ?? pair.key) as Node).range?.[0] ?? 0,
      field: [...path, '<<'],
      message: '<< merges the fields of a map into this one; give it an alias of a map (<<: *defaults) or a list of them (<<: [*a, *b])',
    }));
}

function mergesMaps(value: Node | null, anchors: ReadonlyMap<string, Node>): boolean {
  const isMapOrAlias = (n: unknown) => isMap(n) || (isAlias(n) && (!anchors.has(n.source) || isMap(anchors.get(n.source))));
  return isSeq(value) ? value.items.every(isMapOrAlias) : isMapOrAlias(value);
}

/**
 * Where to point when aliases expand past MAX_ALIAS_COUNT: the first alias of an anchor whose
 * value holds aliases itself, as those are what multiply ("billion laughs").
 */
export function aliasBombMistake(doc: Document): NodeMistake {
  const anchors = new Map<string, Node>();
  let first: Placed | undefined;
  for (const placed of nodesOf(doc)) {
    const { node } = placed;
    if (isAlias(node)) {
      first ??= placed;
      const target = anchors.get(node.source);
      if (target && holdsAlias(target)) return bomb(placed, node.source);
    } else if (node.anchor) {
      anchors.set(node.anchor, node);
    }
  }
  return bomb(first, undefined);
}

function holdsAlias(node: Node): boolean {
  if (isAlias(node)) return true;
  if (!isCollection(node)) return false;
  return node.items.some((item) => (isMap(node) ? holdsAlias((item as Pair).value as Node) : holdsAlias(item as Node)));
}

function bomb(at: Placed | undefined, name: string | undefined): NodeMistake {
  return {
    offset: at?.node.range?.[0] ?? 0,
    field: at?.path,
    message:
      `aliases${name ? ` of *${name}` : ''} expand to more than ${MAX_ALIAS_COUNT} copied values; ` +
      'an anchored value that holds aliases itself multiplies every time it is used, so write the values out instead',
  };
}
