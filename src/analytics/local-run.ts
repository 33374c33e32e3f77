import { existsSync, readFileSync, statSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { closest } from '../manifest/near';
import { UsageError } from '../manifest/problems';
import { ALB_LINE_REGEX } from './alb-format';
import { CONFINED_INSTANCE_OPTIONS, confineTo } from './confine';
import { duckdb } from './dialect';
import { jsonValue } from './json-value';
import { ALB_LOGS_PREFIX, SERVICE_LOGS_PREFIX } from './layout';
import { type FoundLogFiles, findLogFiles } from './local-files';
import { NAMED_QUERIES, namedQuery } from './queries';
import { albLines, duckdbRelation, inOrder, type LocalFiles, RELATIONS } from './relations';

/** A log query that cannot run: a missing or empty folder, an unknown name, SQL DuckDB refuses. One line, for the user. */
export class LogQueryError extends Error {
  /** @param file the data folder the message is about, for `--json` problems; null when it is about the query */
  constructor(
    message: string,
    readonly file: string | null,
  ) {
    super(message);
    this.name = 'LogQueryError';
  }
}

/**
 * A query's result: column names (a repeated name gets `:1`, `:2`, ... as DuckDB numbers them, so
 * every column keeps its values), rows of JSON values (see json-value.ts: integers and decimals
 * beyond 2^53 as strings), and notes on data that was not read (files not in the layout, ALB lines
 * that did not parse), empty when everything was read.
 */
export interface LogQueryResult {
  readonly query: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Readonly<Record<string, string | number | boolean | null>>>;
  readonly notes: readonly string[];
}

/** Whether a query argument is meant as a named query rather than SQL: one word of letters, digits and `-`. */
export const looksLikeName = (arg: string): boolean => /^[A-Za-z0-9-]+$/.test(arg.trim());

/** Statement types a query may be: it reads, it never writes, attaches, installs or sets. */
const READING = new Set(['SELECT', 'EXPLAIN']);

/**
 * Runs a named query (see NAMED_QUERIES) or one ad-hoc SQL statement with DuckDB over a folder laid
 * out as the log buckets are (`aws s3 sync` of the log bucket and of the access-log bucket's
 * `ingress/` into one folder; see layout.ts). Ad-hoc SQL reads the relations `service_events`,
 * `responder_audit` and `alb_requests` (relations.ts) as views.
 *
 * DuckDB is confined to the folder (confine.ts): no file, URL or extension outside it, no setting
 * changed; and only one SELECT (or EXPLAIN) statement runs.
 *
 * @throws UsageError when the query is empty
 * @throws LogQueryError when the folder is missing or holds no log files or an empty or corrupt
 *   `.gz` (named), the name is unknown (with the nearest name), the SQL is not one reading
 *   statement, or DuckDB rejects it (its first line)
 */
export async function runLogQuery(queryOrName: string, dataDir: string): Promise<LogQueryResult> {
  if (queryOrName.trim() === '') throw new UsageError('the query is empty: give a named query (such as errors-by-service) or one SQL SELECT statement');
  const named = looksLikeName(queryOrName) ? namedQuery(queryOrName.trim()) : undefined;
  if (looksLikeName(queryOrName) && !named) {
    const near = closest(queryOrName.trim(), NAMED_QUERIES.map((q) => q.name));
    throw new LogQueryError(
      `${queryOrName} is not a named query${near ? `; did you mean ${near}?` : ''} (named queries: ${NAMED_QUERIES.map((q) => q.name).join(', ')}; or give SQL)`,
      null,
    );
  }
  const found = logFilesIn(dataDir);
  const files: LocalFiles = {
    ...(found.serviceLogs.length ? { serviceLogs: found.serviceLogs } : {}),
    ...(found.albLogs.length ? { albLogs: found.albLogs } : {}),
  };
  const sql = named ? named.body(duckdb) : queryOrName;
  // Loaded here, not at start-up: the native binding is only needed by this command.
  const { DuckDBInstance, StatementType } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:', { ...CONFINED_INSTANCE_OPTIONS });
  const connection = await instance.connect();
  try {
    for (const r of inOrder(RELATIONS)) await connection.run(`CREATE VIEW ${r} AS ${duckdbRelation(r, duckdb, files)}`);
    for (const s of confineTo(resolve(dataDir))) await connection.run(s);
    let reader;
    try {
      const statements = await connection.extractStatements(sql).catch((e: unknown) => {
        // The binding reports "Failed to extract statements: <DuckDB's error>", or no detail when there is no statement at all.
        const detail = firstLine(e).replace(/^Failed to extract statements: /, '');
        if (/native callback/.test(detail)) throw new LogQueryError('the query holds no SQL statement (only comments?): give one SELECT statement', null);
        throw new LogQueryError(`the query failed: ${detail}`, null);
      });
      if (statements.count !== 1) {
        throw new LogQueryError(`the query holds ${statements.count} SQL statements; give one SELECT statement (run the others one at a time)`, null);
      }
      const prepared = await statements.prepare(0);
      const type = StatementType[prepared.statementType] ?? String(prepared.statementType);
      if (!READING.has(type)) {
        // DuckDB parses INSTALL as a LOAD statement.
        throw new LogQueryError(`${type === 'LOAD' ? 'INSTALL and LOAD' : type} statements are refused: logs query only reads the logs in --data (give a SELECT statement)`, null);
      }
      reader = await prepared.runAndReadAll();
    } catch (e) {
      if (e instanceof LogQueryError) throw e;
      // A service log file with a line that is not JSON: not what the pipeline writes, so it came
      // from elsewhere or was cut short; name it as the user's folder has it.
      const malformed = /Malformed JSON in file "([^"]+)"/.exec(firstLine(e));
      if (malformed) {
        const file = `${dataDir}${sep}${relative(resolve(dataDir), malformed[1]!)}`;
        const cut = gzipProblem(malformed[1]!);
        throw new LogQueryError(
          cut
            ? `${file} is not readable gzip: ${cut}; sync it again or remove it`
            : `${file} holds text that is not JSON, but the log pipeline writes one CloudWatch Logs envelope as JSON per line: sync it again or remove it`,
          dataDir,
        );
      }
      // A file DuckDB could not read is about the data folder; anything else about the query.
      const culprit = culpritOf(e, found, dataDir);
      const aboutData = culprit !== '' || /in file "/.test(firstLine(e));
      throw new LogQueryError(`the query failed: ${firstLine(e)}${culprit}`, aboutData ? dataDir : null);
    }
    const columns = reader.deduplicatedColumnNames();
    const rows = reader.getRows().map((row) => Object.fromEntries(columns.map((c, i) => [c, jsonValue(row[i])])));
    const notes = [...notRead(found), ...(files.albLogs && readsAlb(sql) ? await unparsedAlbLines(connection, files.albLogs) : [])];
    return { query: named ? named.name : queryOrName, columns, rows, notes };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The log files of a folder; refuses a missing folder, one without log files, and empty `.gz` files (named). */
export function logFilesIn(dataDir: string): FoundLogFiles {
  const dir = resolve(dataDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LogQueryError(
      `${dataDir} is not a folder; give the folder the log buckets were synced into (aws s3 sync s3://<log bucket>/${SERVICE_LOGS_PREFIX} ${dataDir}/${SERVICE_LOGS_PREFIX})`,
      dataDir,
    );
  }
  const found = findLogFiles(dir);
  if (found.empty.length) {
    throw new LogQueryError(
      `${found.empty.map((f) => `${dataDir}${sep}${f}`).join(', ')} ${found.empty.length === 1 ? 'is an empty file' : 'are empty files'}, not gzip: sync ${found.empty.length === 1 ? 'it' : 'them'} again or remove ${found.empty.length === 1 ? 'it' : 'them'}`,
      dataDir,
    );
  }
  if (!found.serviceLogs.length && !found.albLogs.length) {
    throw new LogQueryError(
      `${dataDir} holds no log files: expected ${SERVICE_LOGS_PREFIX}/dt=<day>/hour=<hour>/service=<service>/*.gz (log bucket) or ${ALB_LOGS_PREFIX}/<shard>/AWSLogs/.../*.log.gz (access-log bucket)${found.notRead.length ? `; found only ${describe(found.notRead)}` : ''}`,
      dataDir,
    );
  }
  return found;
}

function notRead(found: FoundLogFiles): string[] {
  if (!found.notRead.length) return [];
  return [`${found.notRead.length} file${found.notRead.length === 1 ? ' was' : 's were'} not read (not gzip, or outside the bucket layout): ${describe(found.notRead)}`];
}

const describe = (files: readonly string[]) => (files.length <= 3 ? files.join(', ') : `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`);

/** Whether the SQL reads ALB lines; a named query's body names the relation too. */
const readsAlb = (sql: string) => /\balb_requests\b/i.test(sql);

/** ALB access log lines the line expression did not match, which alb_requests leaves out: counted and said. */
async function unparsedAlbLines(connection: { runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> }, files: readonly string[]): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT count(*) FROM ${albLines(files)} WHERE NOT regexp_matches(line, '${ALB_LINE_REGEX.replace(/'/g, "''")}')`,
  );
  const n = Number(reader.getRows()[0]?.[0] ?? 0);
  return n ? [`${n} ALB access log line${n === 1 ? '' : 's'} did not parse and ${n === 1 ? 'was' : 'were'} left out of alb_requests`] : [];
}

/** Why a file is not whole gzip (cut short, not gzip at all), or undefined when it is. */
function gzipProblem(file: string): string | undefined {
  try {
    gunzipSync(readFileSync(file));
    return undefined;
  } catch (z) {
    return z instanceof Error ? z.message : String(z);
  }
}

/**
 * When DuckDB fails on a file that is not readable gzip, which one: DuckDB's message does not always
 * name it, so the files are checked one by one (only on this failure path). Empty when none is.
 */
function culpritOf(e: unknown, found: FoundLogFiles, dataDir: string): string {
  const message = e instanceof Error ? e.message : String(e);
  if (!/gzip|zlib|compress|IO Error/i.test(message) || /Malformed JSON in file/.test(message)) return '';
  for (const file of [...found.serviceLogs, ...found.albLogs]) {
    try {
      gunzipSync(readFileSync(file));
    } catch (z) {
      return ` (${dataDir}${sep}${relative(resolve(dataDir), file)} is not readable gzip: ${z instanceof Error ? z.message : String(z)}; sync it again or remove it)`;
    }
  }
  return '';
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n').find((l) => l.trim() !== '')?.trim() ?? message;
}
