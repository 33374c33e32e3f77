import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { closest } from '../manifest/near';
import { duckdb } from './dialect';
import { ALB_LOGS_PREFIX, LOCAL_GLOBS, SERVICE_LOGS_PREFIX } from './layout';
import { NAMED_QUERIES, namedQuery } from './queries';
import { duckdbRelation, inOrder, type LocalFiles, RELATIONS } from './relations';

/** A log query that cannot run: a missing or empty folder, an unknown name, SQL DuckDB refuses. One line, for the user. */
export class LogQueryError extends Error {
  /** @param file the folder or query the message is about, for `--json` problems */
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'LogQueryError';
  }
}

/** A query's result: column names, and rows of plain JSON values (numbers, strings, null). */
export interface LogQueryResult {
  readonly query: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Readonly<Record<string, string | number | boolean | null>>>;
}

/** Whether a query argument is meant as a named query rather than SQL: one word of letters, digits and `-`. */
export const looksLikeName = (arg: string): boolean => /^[A-Za-z0-9-]+$/.test(arg.trim());

/**
 * Runs a named query (see NAMED_QUERIES) or ad-hoc SQL with DuckDB over a folder laid out as the
 * log buckets are (`aws s3 sync` of the log bucket and of the access-log bucket's `ingress/`
 * into one folder; see layout.ts). Ad-hoc SQL reads the relations `service_events`,
 * `responder_audit` and `alb_requests` (relations.ts) as views.
 *
 * @throws LogQueryError when the folder is missing or holds no log files, the name is unknown
 *   (with the nearest name), or DuckDB rejects the SQL (its first line)
 */
export async function runLogQuery(queryOrName: string, dataDir: string): Promise<LogQueryResult> {
  const named = looksLikeName(queryOrName) ? namedQuery(queryOrName.trim()) : undefined;
  if (looksLikeName(queryOrName) && !named) {
    const near = closest(queryOrName.trim(), NAMED_QUERIES.map((q) => q.name));
    throw new LogQueryError(
      `${queryOrName} is not a named query${near ? `; did you mean ${near}?` : ''} (named queries: ${NAMED_QUERIES.map((q) => q.name).join(', ')}; or give SQL)`,
      queryOrName,
    );
  }
  const files = localFiles(dataDir);
  const sql = named ? named.body(duckdb) : queryOrName;
  // Loaded here, not at start-up: the native binding is only needed by this command.
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const r of inOrder(RELATIONS)) await connection.run(`CREATE VIEW ${r} AS ${duckdbRelation(r, duckdb, files)}`);
    let reader;
    try {
      reader = await connection.runAndReadAll(sql);
    } catch (e) {
      throw new LogQueryError(`the query failed: ${firstLine(e)}`, named ? named.name : 'SQL');
    }
    const columns = reader.columnNames();
    const rows = reader.getRowObjects().map((row) => Object.fromEntries(columns.map((c) => [c, plain(row[c])])));
    return { query: named ? named.name : queryOrName, columns, rows };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Which of the two layouts the folder holds, as absolute globs; refuses a missing or empty folder. */
export function localFiles(dataDir: string): LocalFiles {
  const dir = resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LogQueryError(`${dataDir} is not a folder; give the folder the log buckets were synced into (aws s3 sync s3://<log bucket> ${dataDir})`, dataDir);
  }
  const has = (sub: string, ending: string) => existsSync(join(dir, sub)) && someFile(join(dir, sub), ending);
  const files: LocalFiles = {
    ...(has(SERVICE_LOGS_PREFIX, '.gz') ? { serviceLogs: join(dir, LOCAL_GLOBS.serviceLogs) } : {}),
    ...(has(ALB_LOGS_PREFIX, '.log.gz') ? { albLogs: join(dir, LOCAL_GLOBS.albLogs) } : {}),
  };
  if (!files.serviceLogs && !files.albLogs) {
    throw new LogQueryError(
      `${dataDir} holds no log files: expected ${SERVICE_LOGS_PREFIX}/dt=<day>/hour=<hour>/service=<service>/*.gz (log bucket) or ${ALB_LOGS_PREFIX}/<shard>/AWSLogs/... (access-log bucket)`,
      dataDir,
    );
  }
  return files;
}

/** Whether any file under `dir` ends in `ending`; stops at the first. */
function someFile(dir: string, ending: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(ending)) return true;
    if (entry.isDirectory() && someFile(join(dir, entry.name), ending)) return true;
  }
  return false;
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n').find((l) => l.trim() !== '')?.trim() ?? message;
}

/** A DuckDB value as JSON: BIGINT and DECIMAL as numbers, anything else structured as its text. */
function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'object' && 'toDouble' in value && typeof value.toDouble === 'function') return (value as { toDouble(): number }).toDouble();
  return String(value);
}
