import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ALB_LOGS_PREFIX, SERVICE_LOGS_PREFIX } from './layout';

/**
 * The log files of a downloaded bucket copy, found by walking the folder rather than by a DuckDB
 * glob: a folder name holding `[`, `*` or `?` would otherwise be read as a pattern, and files that
 * cannot be read (not gzip, not in the layout) are counted and named instead of silently skipped.
 */
export interface FoundLogFiles {
  /** Absolute paths of service log objects (`services/**\/*.gz`), sorted. */
  readonly serviceLogs: readonly string[];
  /** Absolute paths of ALB access log objects (`ingress/<shard>/AWSLogs/**\/*.log.gz`), sorted. */
  readonly albLogs: readonly string[];
  /** Files under `services/` or `ingress/` that are not read, relative to the folder: not gzip, or outside the layout. */
  readonly notRead: readonly string[];
  /** Empty (0-byte) `.gz` files, relative to the folder: never valid gzip, so every query over them would fail. */
  readonly empty: readonly string[];
}

const ALB_OBJECT = new RegExp(`^${ALB_LOGS_PREFIX}/[^/]+/AWSLogs/.+\\.log\\.gz$`);

/** Walks `services/` and `ingress/` of an existing folder; see FoundLogFiles. */
export function findLogFiles(dataDir: string): FoundLogFiles {
  const root = resolve(dataDir);
  const serviceLogs: string[] = [];
  const albLogs: string[] = [];
  const notRead: string[] = [];
  const empty: string[] = [];
  for (const file of [...walk(join(root, SERVICE_LOGS_PREFIX)), ...walk(join(root, ALB_LOGS_PREFIX))]) {
    const rel = relative(root, file).split(sep).join('/');
    const isService = rel.startsWith(`${SERVICE_LOGS_PREFIX}/`) && rel.endsWith('.gz');
    const isAlb = ALB_OBJECT.test(rel);
    if (!isService && !isAlb) notRead.push(rel);
    else if (statSync(file).size === 0) empty.push(rel);
    else (isService ? serviceLogs : albLogs).push(file);
  }
  return { serviceLogs: serviceLogs.sort(), albLogs: albLogs.sort(), notRead: notRead.sort(), empty: empty.sort() };
}

function* walk(dir: string): Generator<string> {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // no such folder: that bucket was not synced
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
