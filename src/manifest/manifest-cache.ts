/**
 * The service files of earlier plans, parsed and checked: a plan of an estate of a thousand services
 * spent about a quarter of a second parsing YAML and checking fields of files that had not changed.
 * A file whose text, name and reading code (cityplan's, the yaml and zod libraries') are those of a
 * file an earlier plan read without any problem is not parsed again: its data and checked fields
 * come from `<estate>/.cityplan/manifests/files.bin`. Its YAML is parsed again only when a problem
 * elsewhere asks for a position in it (YamlSource.known), so every message names the same line.
 * A file with any problem is never kept, so its problems are found as they would be without the cache.
 *
 * Reading or writing it never fails a plan: a missing, damaged or foreign cache is an empty one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from '../files/write-atomic';
import { filesUnder, packageFingerprint } from '../files/package-files';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { Problem } from './problems';
import type { ShapeResult } from './shape';
import { YamlSource } from './yaml-source';

/** Where the cache lives inside an estate folder; never committed (it writes its own .gitignore). */
export const MANIFEST_CACHE_DIR = join('.cityplan', 'manifests');
const FILE = 'files.bin';

/** Bumped when an entry's layout changes. */
const FORMAT = 1;

/** A file read as it would be without the cache: its source, problems, and checked fields. */
export interface ReadFile<T> {
  readonly source?: YamlSource;
  readonly problems: Problem[];
  readonly shape?: ShapeResult<T>;
}

export class ManifestCache {
  private readonly used = new Map<string, Buffer>();
  private changed = false;

  private constructor(
    private readonly dir: string,
    /** Entries by key: each the V8 serialization of `{ data, value }`. */
    private readonly entries: ReadonlyMap<string, Buffer>,
    /** The reading code's identity, part of every key. */
    private readonly code: string,
  ) {}

  /** The cache of the estate in `estateDir` (empty when there is none, or it cannot be read). */
  static open(estateDir: string, code: string = readingCode()): ManifestCache {
    const dir = join(estateDir, MANIFEST_CACHE_DIR);
    let entries = new Map<string, Buffer>();
    try {
      const stored = deserialize(readFileSync(join(dir, FILE))) as { format?: unknown; entries?: unknown };
      if (stored.format === FORMAT && stored.entries instanceof Map) entries = stored.entries as Map<string, Buffer>;
    } catch {
      // Missing or damaged: planned as without it.
    }
    return new ManifestCache(dir, entries, code);
  }

  /**
   * Reads `absolutePath` (`file` in messages) and checks its fields with `check`, or takes both from
   * the cache when it holds this text.
   */
  read<T>(absolutePath: string, file: string, check: (source: YamlSource, data: unknown) => ShapeResult<T>): ReadFile<T> {
    const read = YamlSource.text(absolutePath, file);
    if (!('text' in read)) return read;
    const key = createHash('sha256').update(`${FORMAT}\0${this.code}\0${file}\0`).update(read.text).digest('hex');
    const entry = this.entries.get(key);
    if (entry) {
      try {
        const { data, value } = deserialize(entry) as { data: unknown; value: T };
        this.used.set(key, entry);
        return { source: YamlSource.known(file, read.text, data), problems: [], shape: { value, problems: [], failed: [] } };
      } catch {
        // A damaged entry: read as without it.
      }
    }
    const parsed = YamlSource.parse(read.text, file);
    if (!parsed.source) return parsed;
    const shape = check(parsed.source, parsed.source.data());
    if (parsed.problems.length === 0 && shape.problems.length === 0 && shape.failed.length === 0) {
      // Serialized now: what the loader does with the value afterwards does not reach the cache.
      this.used.set(key, serialize({ data: parsed.source.data(), value: shape.value }));
      this.changed = true;
    }
    return { ...parsed, shape };
  }

  /**
   * Keeps the entries of the files read since open (those of files no longer read go), written to a
   * temporary file renamed into place; nothing when nothing changed. Never throws.
   */
  save(): void {
    if (!this.changed && this.used.size === this.entries.size) return;
    try {
      if (!existsSync(this.dir)) {
        mkdirSync(this.dir, { recursive: true });
        writeFileSync(join(this.dir, '.gitignore'), '*\n');
      }
      writeFileAtomic(join(this.dir, FILE), serialize({ format: FORMAT, entries: this.used }), 'the next plan parses these files again');
    } catch {
      // Not kept: the next plan parses these files again.
    }
  }
}

/**
 * What decides how a file reads: cityplan's own code (its package.json and the built bundle, or the
 * manifest sources when run from them), Node.js, and the yaml and zod libraries, by version and by
 * the size and time of their files (a library patched in place is new code).
 */
function readingCode(): string {
  const hash = createHash('sha256');
  hash.update(process.version);
  const root = packageRoot(__dirname);
  hash.update(readFileSync(join(root, 'package.json')));
  const built = relative(root, __dirname).split(/[\\/]/)[0] === 'dist';
  for (const file of built ? [__filename] : filesUnder(join(root, 'src', 'manifest'))) hash.update(file).update(readFileSync(file));
  const require = createRequire(join(root, 'package.json'));
  for (const lib of ['yaml', 'zod']) {
    let dir: string;
    try {
      dir = dirname(require.resolve(`${lib}/package.json`));
    } catch {
      hash.update(`${lib} none`);
      continue;
    }
    hash.update(readFileSync(join(dir, 'package.json')));
    hash.update(packageFingerprint(dir));
  }
  return hash.digest('hex');
}

/** The folder of cityplan's package.json above `dir`. */
function packageRoot(dir: string): string {
  for (let d = dir; d !== dirname(d); d = dirname(d)) if (existsSync(join(d, 'package.json'))) return d;
  return dir;
}

/** Removes the cache of an estate folder (tests; `rm -rf <estate>/.cityplan` does the same). */
export function removeManifestCache(estateDir: string): void {
  rmSync(join(estateDir, MANIFEST_CACHE_DIR), { recursive: true, force: true });
}
