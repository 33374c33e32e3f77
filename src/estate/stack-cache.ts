/**
 * The plan cache: the synthesized files of each stack, and everything the plan reads from a fresh
 * synthesis of it, kept in `<estate>/.cityplan/cache/` under a key that hashes everything the stack
 * is built from. A later plan whose stack has the same key copies the files instead of building,
 * synthesizing and checking the stack, and gets the same bytes a cold plan would write.
 *
 * The key (see `stackKey`) is a SHA-256 of:
 * - the stack's inputs: exactly the object its constructor receives (stack-inputs.ts `stackInputs`:
 *   the resolved service spec for its environment, its placement and incarnation, its callers and
 *   callees with their ports, the environment spec, the estate-level fields, its plan entry with
 *   role, shard and dependencies), serialized canonically (keys sorted, Maps as sorted entries);
 * - the code that builds it (`codeIdentity`): cityplan's version and the content and place of its
 *   built files (or sources), the versions of aws-cdk-lib, cdk-nag, constructs and Node.js, and any
 *   CDK_* environment variable (CDK reads some at synthesis).
 *
 * An entry is written only after a plan succeeded, to a temporary file renamed into place (two plans
 * at once never leave half an entry), and carries a SHA-256 of its own content: an entry that does
 * not parse or whose hash does not match is ignored and rebuilt.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { filesUnder, packageFingerprint } from '../files/package-files';
import { writeFileAtomic } from '../files/write-atomic';
import type { Acknowledgement, Finding } from '../policy/packs';
import type { StackInputs } from './stack-inputs';
import type { StackPlan } from './stack-plan';
import type { SynthesisResult, SynthesizedStack } from './synthesize';

/** Bumped when an entry's layout changes: entries of another layout are never read. */
const CACHE_FORMAT = 3;

/** The list of shape keys (StackCache.shapeKeys), beside the entries. */
const SHAPE_INDEX = 'shapes.index';

/** Where the cache lives inside an estate folder; never committed (it writes its own .gitignore). */
export const CACHE_DIR = join('.cityplan', 'cache');

/** One artifact of a cloud assembly manifest (a stack, or its asset manifest). */
export interface Artifact {
  readonly type: string;
  dependencies?: string[];
  readonly properties?: Record<string, unknown>;
  readonly additionalMetadataFile?: string;
  readonly [key: string]: unknown;
}

/** The cloud assembly manifest, as the plan reads and writes it. */
export interface AssemblyManifest {
  readonly version: string;
  artifacts?: Record<string, Artifact>;
  readonly [key: string]: unknown;
}

/** What a plan needs of one stack without building it. */
export interface CachedStack {
  readonly name: string;
  /** Assembly files of the stack (template, asset manifest, metadata, asset folders' files), by path in the assembly. */
  readonly files: ReadonlyArray<{ readonly path: string; readonly bytes: Buffer }>;
  /** Its artifacts in the assembly manifest: the stack's and its asset manifest's. */
  readonly artifacts: Record<string, Artifact>;
  /**
   * The assembly manifest without artifacts, the artifacts of the app rather than of a stack (the
   * feature flag report), and the cdk.out marker file.
   */
  readonly header: { readonly manifest: Record<string, unknown>; readonly appArtifacts: Record<string, Artifact>; readonly cdkOut: string };
  readonly stack: SynthesizedStack;
  readonly findings: Finding[];
  readonly acknowledgements: Acknowledgement[];
  /** The key of the stack's shape (stack-shape.ts), for a service stack that has one: which stand-ins the estate still uses. */
  readonly shape?: string;
}

/**
 * JSON of the data in the order it would be iterated: object keys, Map entries and Set members as
 * they were inserted. A stack is built by iterating its inputs, so two orders of the same entries
 * can build two templates (a service's env: as written is its container's Environment, in that
 * order): the key must tell them apart. `undefined` members are left out, as JSON.stringify does.
 * @throws Error on a function or symbol, which the cache cannot key on
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === undefined) return undefined;
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new Error(`cannot key the plan cache on a ${typeof value}`);
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)));
  if (value instanceof Map) return { $map: [...value.entries()].map(([k, v]) => [canonical(k), canonical(v)]) };
  if (value instanceof Set) return { $set: [...value].map(canonical) };
  // Keys as inserted; JSON.stringify would list integer-like keys first, which an object's own
  // iteration does too, so the text follows what a constructor sees.
  return { $object: Object.entries(value as object).flatMap(([k, v]) => (v === undefined ? [] : [[k, canonical(v)]])) };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let identity: string | undefined;

/**
 * @param root a cityplan package folder (tests); default the one this code runs from, memoized
 * What identifies the code that builds stacks: a changed cityplan (even unreleased, even moved to
 * another folder: stack metadata records the path of the code that built it), a changed library
 * or Node.js never reuses an entry.
 */
export function codeIdentity(root?: string): string {
  if (!root && identity) return identity;
  const own = !root;
  root ??= packageRoot(__dirname);
  const hash = createHash('sha256');
  const add = (label: string, data: string | Buffer) => hash.update(`${label}\0`).update(data).update('\0');
  add('root', root);
  add('node', process.version);
  add('package', readFileSync(join(root, 'package.json')));
  for (const lib of ['aws-cdk-lib', 'cdk-nag', 'constructs']) add(lib, libraryVersion(root, lib));
  for (const [name, value] of Object.entries(process.env).sort(([a], [b]) => a.localeCompare(b))) {
    if (name.startsWith('CDK_')) add(`env ${name}`, value ?? '');
  }
  // Built (dist/cli.js runs): the built files, which include the responder's bundle. From sources
  // (tests): the sources, and the built responder that foundation stacks package.
  const built = own && relative(root, __dirname).split(sep)[0] === 'dist';
  for (const file of built ? filesUnder(join(root, 'dist')) : [...filesUnder(join(root, 'src')), ...filesUnder(join(root, 'dist', 'runtime'))]) {
    if (file.endsWith('.map') || file.endsWith('.d.ts')) continue;
    add(relative(root, file), readFileSync(file));
  }
  const digest = hash.digest('hex');
  if (own) identity = digest;
  return digest;
}

function packageRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'src'))) return dir;
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dist', 'cli.js'))) return dir;
  }
  throw new Error(`cannot find the cityplan package above ${from}`);
}

function libraryVersion(root: string, name: string): string {
  // The package's folder from its entry point: aws-cdk-lib does not export its package.json.
  let entry: string;
  try {
    entry = createRequire(join(root, 'package.json')).resolve(name);
  } catch {
    return 'none';
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === name) return `${dir}@${pkg.version}@${packageFingerprint(dir)}`;
  }
  return 'unknown';
}

/** A stack's cache key: a SHA-256 of its inputs and of the code that builds it (see the file's comment). */
export function stackKey(inputs: StackInputs, root: string): string {
  // Delivery stacks receive the whole estate: hashed once per plan, not once per pipeline stack.
  const keyed = 'spec' in inputs ? { ...inputs, spec: estateDigest(inputs.spec) } : inputs;
  return sha256(canonicalJson({ format: CACHE_FORMAT, code: codeIdentity(), root, inputs: keyed }));
}

const estateDigests = new WeakMap<object, string>();

/**
 * The SHA-256 of an estate spec's canonical JSON, computed once per spec object; without the estate
 * folder's path as typed (`dir`), which no stack reads: `plan justice`, `plan ./justice/` and a moved
 * or freshly checked-out estate build the same delivery stacks and reuse them.
 */
function estateDigest(spec: object): string {
  let digest = estateDigests.get(spec);
  if (!digest) {
    digest = sha256(canonicalJson({ ...spec, dir: undefined }));
    estateDigests.set(spec, digest);
  }
  return digest;
}

/** The plan cache of one estate folder. Reading or writing it never fails a plan: a broken cache is a cold one. */
export class StackCache {
  private constructor(readonly dir: string) {}

  /** The cache of the estate in `estateDir` (created on first write). */
  static of(estateDir: string): StackCache {
    return new StackCache(join(estateDir, CACHE_DIR));
  }

  /**
   * The entry under `key`, when there is a whole, intact one for stack `name`. An entry is: the
   * SHA-256 (hex) of what follows it and a newline; the entry without its files as JSON and a
   * newline; the files' bytes one after another (their lengths are in the JSON). Templates are
   * copied as bytes, never parsed.
   */
  read(key: string, name: string): CachedStack | undefined {
    let data: Buffer;
    try {
      data = readFileSync(join(this.dir, `${key}.json`));
    } catch {
      return undefined;
    }
    if (data.length < 66 || data[64] !== 0x0a || sha256(data.subarray(65)) !== data.toString('latin1', 0, 64)) return undefined;
    const end = data.indexOf(0x0a, 65);
    if (end < 0) return undefined;
    try {
      const head = JSON.parse(data.toString('utf8', 65, end)) as Omit<CachedStack, 'files'> & { files: Array<{ path: string; length: number }> };
      if (head.name !== name || head.stack?.name !== name) return undefined;
      let at = end + 1;
      const files = head.files.map((f) => {
        const bytes = data.subarray(at, at + f.length);
        at += f.length;
        return { path: f.path, bytes };
      });
      return at === data.length ? { ...head, files } : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Stores entries, each through a temporary file renamed into place, one at a time (an iterable
   * that makes each when asked keeps one entry in memory). Failures (a read-only estate folder, a
   * full disk) are ignored: the next plan is cold for those stacks.
   */
  write(entries: Iterable<{ key: string; entry: CachedStack }>): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const ignore = join(this.dir, '.gitignore');
      if (!existsSync(ignore)) writeFileSync(ignore, '# The plan cache of cityplan: never committed (see docs/architecture.md)\n*\n');
    } catch {
      return;
    }
    for (const { key, entry } of entries) {
      const head = JSON.stringify({ ...entry, files: entry.files.map((f) => ({ path: f.path, length: f.bytes.length })) });
      const body = Buffer.concat([Buffer.from(`${head}\n`), ...entry.files.map((f) => f.bytes)]);
      writeQuietly(join(this.dir, `${key}.json`), Buffer.concat([Buffer.from(`${sha256(body)}\n`, 'latin1'), body]));
    }
  }

  /**
   * The keys of the shape stand-ins (stack-shape.ts) plans of this code have stored, so that a
   * plan that reads every stack from the cache (and so works out no shape) still keeps them: they
   * are what a later plan derives changed services from. Lists of other code are dropped.
   */
  shapeKeys(): string[] {
    try {
      const index = JSON.parse(readFileSync(join(this.dir, SHAPE_INDEX), 'utf8')) as { code?: string; keys?: string[] };
      return index.code === codeIdentity() && Array.isArray(index.keys) ? index.keys : [];
    } catch {
      return [];
    }
  }

  /** Records the shape keys `shapeKeys` returns (failures ignored, as every write of the cache). */
  rememberShapeKeys(keys: Iterable<string>): void {
    writeQuietly(join(this.dir, SHAPE_INDEX), JSON.stringify({ code: codeIdentity(), keys: [...new Set(keys)].sort() }));
  }

  /**
   * Removes entries no key in `keep` names, and temporary files older than an hour (left by a plan
   * that was killed): called after a plan of the whole estate, whose keys are all current ones.
   */
  prune(keep: ReadonlySet<string>): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const hourAgo = Date.now() - 3600_000;
    for (const name of names) {
      const path = join(this.dir, name);
      try {
        if (name.endsWith('.json') && !keep.has(name.slice(0, -'.json'.length))) rmSync(path, { force: true });
        else if (name.includes('.tmp-') && statSync(path).mtimeMs < hourAgo) rmSync(path, { force: true });
      } catch {
        // Removed by another plan meanwhile.
      }
    }
  }
}

/**
 * Writes a file of the cache through a temporary file renamed into place (writeFileAtomic: two plans
 * at once never leave half a file), ignoring failure: the cache never fails a plan (a read-only
 * folder, a full disk, a cache folder that is a file).
 */
function writeQuietly(path: string, data: string | Uint8Array): void {
  try {
    writeFileAtomic(path, data, 'the next plan builds these stacks again');
  } catch {
    // The next plan is cold for what was not written.
  }
}

/** The assembly files of a stack, as its artifacts name them: template, metadata, asset manifest and the assets it lists. */
function stackFiles(outdir: string, name: string, artifacts: Record<string, Artifact>): string[] {
  const files = new Set<string>();
  const stack = artifacts[name];
  const template = stack?.properties?.templateFile as string | undefined;
  if (template) files.add(template);
  if (stack?.additionalMetadataFile) files.add(stack.additionalMetadataFile);
  const assetsFile = artifacts[`${name}.assets`]?.properties?.file as string | undefined;
  if (assetsFile) {
    files.add(assetsFile);
    const assets = JSON.parse(readFileSync(join(outdir, assetsFile), 'utf8')) as { files?: Record<string, { source?: { path?: string } }> };
    for (const asset of Object.values(assets.files ?? {})) {
      const path = asset.source?.path;
      if (!path || files.has(path)) continue;
      const full = join(outdir, path);
      if (statSync(full).isDirectory()) for (const file of filesUnder(full)) files.add(relative(outdir, file).split(sep).join('/'));
      else files.add(path);
    }
  }
  return [...files];
}

/**
 * The cache entry of a stack just synthesized into `outdir`, whose artifacts are as synthesis made
 * them (before the plan's own orderings are added).
 */
export function entryOf(outdir: string, plan: StackPlan, synthesized: SynthesisResult, artifacts: Record<string, Artifact>, header: CachedStack['header']): CachedStack {
  const own: Record<string, Artifact> = {};
  for (const id of [`${plan.name}.assets`, plan.name]) if (artifacts[id]) own[id] = artifacts[id];
  const files = stackFiles(outdir, plan.name, own).map((path) => ({ path, bytes: readFileSync(join(outdir, path)) }));
  return {
    name: plan.name,
    files,
    artifacts: own,
    header,
    stack: synthesized.stacks.find((s) => s.name === plan.name)!,
    findings: synthesized.findings.filter((f) => f.path.split('/')[0] === plan.name),
    acknowledgements: synthesized.acknowledgements.filter((a) => a.stack === plan.name),
  };
}

/** Writes a cached stack's files into an assembly folder; an asset folder another stack wrote already is kept. */
export function writeCachedFiles(outdir: string, entry: CachedStack): void {
  for (const { path, bytes } of entry.files) {
    const target = join(outdir, path);
    if (path.startsWith('asset.')) {
      if (existsSync(target)) continue;
      mkdirSync(dirname(target), { recursive: true });
    }
    writeFileSync(target, bytes);
  }
}

/**
 * The dependencies of a stack's artifact, the same however the stack was made (one app, parts in
 * workers, or the cache): the stacks its plan depends on that this assembly holds, in plan order,
 * then its asset manifest, then any other dependency synthesis gave it.
 */
export function stackDependencies(plan: StackPlan, given: readonly string[], present: (id: string) => boolean): string[] {
  const planned = new Set(plan.dependsOn);
  const assets = `${plan.name}.assets`;
  return [
    ...new Set([
      ...plan.dependsOn.filter(present),
      ...(present(assets) ? [assets] : []),
      ...given.filter((d) => !planned.has(d) && d !== assets && present(d)),
    ]),
  ];
}
