/**
 * Deriving a service stack from another of its shape (stack-shape.ts): everything a plan keeps of a
 * stack (its assembly files, artifacts, sizes, claims, findings, acknowledgements) with one identity
 * (name, shard, priority) replaced by another, as CDK would have written it.
 *
 * Besides the name in its plain forms, CDK derives some text from it:
 * - unique ids of constructs (`Names.nodeUniqueId`: the path without separators, plus an MD5 of the
 *   path), which CDK puts in construct ids (a security group rule from another group is
 *   "from <that group's unique id>:<port>");
 * - logical ids of resources whose construct path holds the name or such a unique id (the path
 *   below the stack, plus an MD5 of it);
 * - the template's SHA-256, which names the template's asset and its S3 object, and the hash of
 *   each asset destination that names the destination.
 * Each is computed again here with CDK's own public functions (Names) or the same hash over the
 * new content, after checking that the same computation gives the stand-in's own text; anything
 * else that holds the name (a form the derivation does not know) leaves the stand-in's marker
 * behind, and the stack is built instead. So does a list that CDK sorted (IAM policy resources, for
 * one) whose order the new name would change.
 */
import { createHash } from 'node:crypto';
import { Names } from 'aws-cdk-lib/core';
import { Construct } from 'constructs';
import type { CachedStack } from './stack-cache';
import { STAND_IN_MARKER, type StackIdentity } from './stack-shape';

/**
 * Derives stacks from one entry (of a stack with identity `from`). What depends only on the entry
 * is worked out once, when made: a shape's members are many.
 */
export class StackDeriver {
  private readonly template: { readonly path: string; readonly text: string; readonly hash: string } | undefined;
  /** The entry's files as text, and the rest of it as JSON but for the header (the same for every stack). */
  private readonly texts: ReadonlyArray<{ readonly path: string; readonly text: string }>;
  private readonly headText: string;
  /** Unique ids of this stack's constructs that its text holds: the path below the stack, by unique id. */
  private readonly uniqueIds = new Map<string, readonly string[]>();
  /** Logical ids made from a path that holds the name or a unique id: the path below the stack, by logical id. */
  private readonly logicalIds = new Map<string, readonly string[]>();
  /** Lists (and objects' keys) sorted in this entry that hold the name: their order must survive. */
  private readonly sortedLists: ReadonlyArray<readonly string[]>;
  /** Why nothing can be derived from this entry, when nothing can. */
  readonly unusable: string | undefined;

  constructor(
    private readonly entry: CachedStack,
    private readonly from: StackIdentity,
  ) {
    const templatePath = entry.artifacts[from.stack]?.properties?.templateFile as string | undefined;
    const template = entry.files.find((f) => f.path === templatePath);
    this.template = template && { path: template.path, text: template.bytes.toString('utf8'), hash: sha256(template.bytes) };
    this.texts = entry.files.map((f) => ({ path: f.path, text: f.bytes.toString('utf8') }));
    const { files: _, header: __, ...head } = entry;
    this.headText = JSON.stringify(head);
    this.sortedLists = sortedListsWith(entry, [from.shard, from.priority]);
    this.unusable = !this.template ? 'no template' : this.readMetadata();
  }

  /** The entry had its stack identity `to`, or undefined when that cannot be derived with certainty (build it then). */
  derive(to: StackIdentity): CachedStack | undefined {
    if (this.unusable || !this.template) return undefined;
    const { from, entry, template } = this;
    const numbers = this.numbers(to);
    const pairs = new Map<string, string>([[from.service, to.service]]);
    const names = replacer(new Map(pairs), numbers);
    for (const [id, below] of this.uniqueIds) pairs.set(id, uniqueId([to.stack, ...below.map(names)]));
    const inPaths = replacer(pairs, numbers);
    for (const [logicalId, below] of this.logicalIds) pairs.set(logicalId, uniqueId(below.map(inPaths)));
    const replace = replacer(pairs, numbers);
    if (this.sortedLists.some((list) => !sorted(list.map(replace), list))) return undefined;

    const templateText = replace(template.text);
    const newTemplate = Buffer.from(templateText);
    const newHash = sha256(newTemplate);
    const texts: Array<{ path: string; text: string }> = [];
    for (const file of this.texts) {
      const path = replace(file.path);
      if (file.path === template.path) {
        texts.push({ path, text: templateText });
        continue;
      }
      let text = replace(file.text).split(template.hash).join(newHash);
      if (path.endsWith('.assets.json')) {
        const renamed = renameDestinations(file.text, text);
        if (renamed === undefined) return undefined;
        text = renamed;
      } else if (!path.endsWith('.metadata.json')) {
        // An asset other than the template (a bundled function): its hash is of content the
        // derivation does not know.
        return undefined;
      }
      texts.push({ path, text });
    }
    const headText = replace(this.headText).split(template.hash).join(newHash);
    if (leftover([headText, ...texts.flatMap((t) => [t.path, t.text])], numbers)) return undefined;
    const derived = JSON.parse(headText) as Omit<CachedStack, 'files' | 'header'>;
    return {
      ...derived,
      header: entry.header,
      files: texts.map((t) => ({ path: t.path, bytes: t.text === templateText ? newTemplate : Buffer.from(t.text) })),
      stack: { ...derived.stack, bytes: newTemplate.length },
    };
  }

  /**
   * The numbers of the identity, as text: its shard (in names and ids, as `ingress-3` and
   * `ingress3listenerarn`: any digit-free neighbour) and its priority (alone).
   */
  private numbers(to: StackIdentity): NumberSwap[] {
    const { from } = this;
    const swaps: NumberSwap[] = [];
    if (from.shard !== undefined && to.shard !== undefined) swaps.push({ from: String(from.shard), to: String(to.shard), apart: '0-9' });
    if (from.priority !== undefined && to.priority !== undefined) swaps.push({ from: String(from.priority), to: String(to.priority), apart: '0-9A-Za-z.' });
    return swaps;
  }

  /** Finds the unique ids and logical ids derived from the name, checking each is what CDK makes; why not, when one is not. */
  private readMetadata(): string | undefined {
    const { from, entry } = this;
    const metadataFile = entry.files.find((f) => f.path.endsWith('.metadata.json'));
    if (!metadataFile) return 'no metadata';
    const metadata = JSON.parse(metadataFile.bytes.toString('utf8')) as Record<string, Array<{ type: string; data?: unknown }>>;
    const squashed = from.stack.replace(/[^A-Za-z0-9]/g, '');
    const { files, ...head } = entry;
    const text = [JSON.stringify(head), ...files.map((f) => f.bytes.toString('utf8'))].join('\n');
    const paths = Object.entries(metadata).flatMap(([path, entries]) => {
      const [, stack, ...below] = path.split('/');
      return stack === from.stack && below.length > 0 ? [{ path, entries, below }] : [];
    });
    // Unique ids of the constructs on each path (CDK names some resources with one: scaling
    // policies), wherever they appear.
    const prefixes = new Set<string>();
    for (const { below } of paths) {
      for (let i = 1; i <= below.length; i++) {
        const prefix = below.slice(0, i);
        if (prefixes.has(prefix.join('/'))) continue;
        prefixes.add(prefix.join('/'));
        const id = uniqueId([from.stack, ...prefix]);
        if (text.includes(id)) this.uniqueIds.set(id, prefix);
      }
    }
    // Unique ids of other constructs of this stack inside a construct id (a security group rule is
    // "from <the other group's unique id>:<port>", the other group imported, so on no path above):
    // the stack's name without separators, an id, and the MD5 of the two, checked, so that nothing
    // else is taken for a unique id.
    for (const { below } of paths) {
      for (const component of below) {
        for (const run of component.match(/[A-Za-z0-9]+/g) ?? []) {
          if (!run.includes(squashed) || this.uniqueIds.has(run)) continue;
          const id = run.slice(squashed.length, -8);
          if (!run.startsWith(squashed) || uniqueId([from.stack, id]) !== run) return `${run} is not a unique id CDK makes`;
          this.uniqueIds.set(run, [id]);
        }
      }
    }
    for (const { path, entries, below } of paths) {
      if (!below.some((c) => c.includes(from.service) || (from.shard !== undefined && c.includes(String(from.shard))))) continue;
      const logicalId = entries.find((e) => e.type === 'aws:cdk:logicalId')?.data;
      if (typeof logicalId !== 'string') continue;
      // A logical id CDK did not make from the path (one overridden) cannot be derived.
      if (uniqueId(below) !== logicalId) return `${logicalId} is not the logical id of ${path}`;
      this.logicalIds.set(logicalId, below);
    }
    return undefined;
  }
}

/** CDK's unique id of a construct at these path components (Names.nodeUniqueId, its public form). */
function uniqueId(components: readonly string[]): string {
  let scope = new Construct(undefined as unknown as Construct, '');
  for (const id of components) scope = new Construct(scope, id);
  return Names.nodeUniqueId(scope.node);
}

/** A number of the identity, replaced where no character of `apart` (a regex class body) touches it. */
interface NumberSwap {
  readonly from: string;
  readonly to: string;
  readonly apart: string;
}

/**
 * A function replacing every pair's text (longest first, in one pass, so that no replacement is
 * replaced again) and each number where it stands apart.
 */
function replacer(pairs: ReadonlyMap<string, string>, numbers: readonly NumberSwap[] = []): (text: string) => string {
  const alternatives = [...pairs.keys()].sort((a, b) => b.length - a.length).map(escape);
  for (const n of numbers) alternatives.push(`(?<![${n.apart}])${n.from}(?![${n.apart}])`);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  const swapped = new Map([...numbers.map((n) => [n.from, n.to] as const), ...pairs]);
  return (text) => text.replace(pattern, (match) => swapped.get(match) ?? match);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/**
 * The asset manifest's text with each destination renamed as CDK names it (`<environment>-<first 8
 * hex of the SHA-256 of the destination's JSON>`), after checking that the stand-in's names follow
 * that rule; undefined when they do not.
 */
function renameDestinations(before: string, after: string): string | undefined {
  type Assets = { files?: Record<string, { destinations?: Record<string, unknown> }>; dockerImages?: Record<string, unknown> };
  const old = JSON.parse(before) as Assets;
  const next = JSON.parse(after) as Assets;
  if (Object.keys(old.dockerImages ?? {}).length > 0) return undefined;
  const oldFiles = Object.values(old.files ?? {});
  const newFiles = Object.values(next.files ?? {});
  if (oldFiles.length !== 1 || newFiles.length !== 1) return undefined;
  let text = after;
  const oldDestinations = Object.entries(oldFiles[0]!.destinations ?? {});
  const newDestinations = Object.entries(newFiles[0]!.destinations ?? {});
  for (let i = 0; i < oldDestinations.length; i++) {
    const [oldName, oldDestination] = oldDestinations[i]!;
    const [name, destination] = newDestinations[i]!;
    const base = oldName.slice(0, -9);
    if (oldName !== `${base}-${sha256(JSON.stringify(oldDestination)).slice(0, 8)}` || name !== oldName) return undefined;
    text = text.split(JSON.stringify(oldName)).join(JSON.stringify(`${base}-${sha256(JSON.stringify(destination)).slice(0, 8)}`));
  }
  return text;
}

/**
 * Whether any text still holds the stand-in's marker, in any case, or one of its numbers: a form of
 * the name or number that was not derived (a number next to another digit, say).
 */
function leftover(texts: readonly string[], numbers: readonly NumberSwap[]): boolean {
  const marker = new RegExp([STAND_IN_MARKER, ...numbers.filter((n) => n.from !== n.to).map((n) => n.from)].join('|'), 'i');
  return texts.some((t) => marker.test(t));
}

/**
 * The lists (and objects' keys) of an entry, as text, that hold the stand-in's marker or one of its
 * numbers and are sorted
 * (by code units or by locale, of their members' text or JSON): CDK sorts some lists (merged IAM
 * policy resources), so a derived name could put such a list in another order than CDK would.
 */
function sortedListsWith(entry: CachedStack, numbers: ReadonlyArray<number | undefined>): string[][] {
  const { files, ...head } = entry;
  const documents = [head as unknown, ...files.filter((f) => f.path.endsWith('.json')).map((f) => JSON.parse(f.bytes.toString('utf8')) as unknown)];
  const marker = new RegExp([STAND_IN_MARKER, ...numbers.filter((n) => n !== undefined)].join('|'), 'i');
  const lists: string[][] = [];
  const consider = (list: string[]) => {
    if (list.length >= 2 && list.some((t) => marker.test(t)) && (sorted(list, undefined, byCodeUnits) || sorted(list, undefined, byLocale))) lists.push(list);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      consider(value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
      value.forEach(visit);
    } else if (value && typeof value === 'object') {
      consider(Object.keys(value));
      Object.values(value).forEach(visit);
    }
  };
  documents.forEach(visit);
  return lists;
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byLocale = (a: string, b: string) => a.localeCompare(b);

/**
 * Whether `list` is sorted by `compare`; or, given the `original` it was derived from, whether it
 * is still sorted by each order the original was sorted by.
 */
function sorted(list: readonly string[], original?: readonly string[], compare?: (a: string, b: string) => number): boolean {
  if (!compare) return [byCodeUnits, byLocale].every((c) => !sorted(original!, undefined, c) || sorted(list, undefined, c));
  for (let i = 1; i < list.length; i++) if (compare(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}
