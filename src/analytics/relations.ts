import { ALB_COLUMNS, ALB_LINE_REGEX } from './alb-format';
import type { Dialect } from './dialect';
import { ALB_LOGS_PREFIX, SERVICE_OF_LOG_GROUP } from './layout';
import { RESPONDER_AUDIT_MARK } from './responder-line';

/**
 * The relations every query is written against, whatever runs it. Athena builds them from the
 * Glue tables (as WITH clauses in each named query); the local runner from files (as views, so
 * ad-hoc SQL can use them too).
 *
 * - `service_events(service, log_group, log_stream, ts_ms, message, level)`: one row per log line
 *   of every service (and the responder); `ts_ms` epoch milliseconds; `level` lower case from a
 *   JSON line's `level` field or else the first ERROR/FATAL/WARN/INFO/DEBUG word, NULL otherwise.
 * - `responder_audit(ts_ms, service, event, runbook, action, outcome)`: the responder's audit
 *   lines (see responder-line.ts).
 * - `alb_requests(shard, client_ip, status, target_seconds, method, host, service, path, user_agent)`:
 *   one row per ALB access log line; `status` the load balancer's status code; `target_seconds`
 *   NULL when no target answered; `service` the first label of the host name (`<service>.<domain>`).
 */
export type RelationName = 'service_events' | 'responder_audit' | 'alb_requests';

/** What the Athena relations read: the Glue database and tables, and how many days back they scan. */
export interface AthenaTables {
  readonly database: string;
  readonly serviceLogs: string;
  readonly albLogs: string;
  /** Partitions (days) scanned back from today; bounds every named query's cost. */
  readonly days: number;
}

/** Relations a relation is built on, which must come before it. */
export const DEPENDS: Readonly<Record<RelationName, readonly RelationName[]>> = {
  service_events: [],
  responder_audit: ['service_events'],
  alb_requests: [],
};

const LEVEL_WORD = '\\b(ERROR|FATAL|WARN|INFO|DEBUG)\\b';

/** Columns shared by both engines' service_events, over a row source with log_group, log_stream, ts_ms and message. */
function serviceEventsOver(d: Dialect, rows: string): string {
  return `SELECT ${d.capture('log_group', SERVICE_OF_LOG_GROUP)} AS service, log_group, log_stream, ts_ms, message,
    lower(coalesce(${d.jsonText('message', 'level')}, ${d.capture('message', LEVEL_WORD)})) AS level
  FROM (${rows}) AS lines`;
}

function responderAudit(d: Dialect): string {
  const field = (f: string) => d.jsonText('message', f);
  return `SELECT ts_ms, ${field('service')} AS service, ${field('event')} AS event, ${field('runbook')} AS runbook,
    ${field('action')} AS action, ${field('outcome')} AS outcome
  FROM service_events
  WHERE ${d.matches('log_group', '^/cityplan/[^/]+/[^/]+/responder$')} AND ${field('audit')} = '${RESPONDER_AUDIT_MARK}'`;
}

/** alb_requests over a row source holding the ALB_COLUMNS and `shard`. */
function albRequestsOver(d: Dialect, rows: string): string {
  const target = d.number('target_processing_time');
  return `SELECT shard, client_ip, CAST(${d.number('elb_status_code')} AS integer) AS status,
    CASE WHEN ${target} >= 0 THEN ${target} END AS target_seconds, request_verb AS method,
    ${d.capture('request_url', '^[a-zA-Z0-9]+://([^:/]+)')} AS host,
    split_part(${d.capture('request_url', '^[a-zA-Z0-9]+://([^:/]+)')}, '.', 1) AS service,
    coalesce(${d.capture('request_url', '^[a-zA-Z0-9]+://[^/]+(/[^?]*)')}, '/') AS path, user_agent
  FROM (${rows}) AS lines`;
}

/** A relation as Athena reads it from the Glue tables. */
export function athenaRelation(name: RelationName, d: Dialect, t: AthenaTables): string {
  const since = (format: string) => `date_format(current_date - interval '${t.days}' day, '${format}')`;
  switch (name) {
    case 'service_events':
      return serviceEventsOver(
        d,
        `SELECT loggroup AS log_group, logstream AS log_stream, event_ts AS ts_ms, event_message AS message
    FROM "${t.database}"."${t.serviceLogs}" CROSS JOIN UNNEST(logevents) AS e(event_id, event_ts, event_message)
    WHERE messagetype = 'DATA_MESSAGE' AND dt >= ${since('%Y-%m-%d')}`,
      );
    case 'responder_audit':
      return responderAudit(d);
    case 'alb_requests':
      return albRequestsOver(
        d,
        `SELECT CAST(shard AS varchar) AS shard, ${ALB_COLUMNS.join(', ')} FROM "${t.database}"."${t.albLogs}"
    WHERE day >= ${since('%Y/%m/%d')} AND type IS NOT NULL`,
      );
  }
}

/**
 * Which files the local runner found under the data folder (local-files.ts): absolute paths, never
 * patterns, so that a folder name holding `[`, `*` or `?` is read as it is.
 */
export interface LocalFiles {
  /** Service log objects, or undefined when there are none. */
  readonly serviceLogs?: readonly string[];
  readonly albLogs?: readonly string[];
}

const sqlText = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlList = (files: readonly string[]) => `[${files.map(sqlText).join(', ')}]`;

/** The raw lines of ALB access log objects, with the `filename` each came from, as DuckDB reads them. */
export const albLines = (files: readonly string[]) =>
  `read_csv(${sqlList(files)}, columns = {line: 'VARCHAR'}, header = false, delim = chr(31), quote = '', escape = '',
        auto_detect = false, compression = 'gzip', filename = true)`;

/** A relation as DuckDB reads it from a downloaded bucket copy; an empty relation where no files are. */
export function duckdbRelation(name: RelationName, d: Dialect, files: LocalFiles): string {
  switch (name) {
    case 'service_events': {
      const rows = files.serviceLogs
        ? `SELECT logGroup AS log_group, logStream AS log_stream, e."timestamp" AS ts_ms, e.message AS message
    FROM read_json(${sqlList(files.serviceLogs)}, format = 'newline_delimited', compression = 'gzip', hive_partitioning = false,
      columns = {messageType: 'VARCHAR', logGroup: 'VARCHAR', logStream: 'VARCHAR', logEvents: 'STRUCT(id VARCHAR, "timestamp" BIGINT, message VARCHAR)[]'}),
      unnest(logEvents) AS u(e)
    WHERE messageType = 'DATA_MESSAGE'`
        : `SELECT NULL::VARCHAR AS log_group, NULL::VARCHAR AS log_stream, NULL::BIGINT AS ts_ms, NULL::VARCHAR AS message WHERE false`;
      return serviceEventsOver(d, rows);
    }
    case 'responder_audit':
      return responderAudit(d);
    case 'alb_requests': {
      const rows = files.albLogs
        ? `SELECT shard, ${ALB_COLUMNS.map((c) => `r.${c}`).join(', ')} FROM (
      SELECT regexp_extract(filename, '/${ALB_LOGS_PREFIX}/([0-9]+)/', 1) AS shard,
        regexp_extract(line, ${sqlText(ALB_LINE_REGEX)}, [${ALB_COLUMNS.map(sqlText).join(', ')}]) AS r
      FROM ${albLines(files.albLogs)}) WHERE r.type <> ''`
        : `SELECT NULL::VARCHAR AS shard, ${ALB_COLUMNS.map((c) => `NULL::VARCHAR AS ${c}`).join(', ')} WHERE false`;
      return albRequestsOver(d, rows);
    }
  }
}

/** The relations a query needs, each after those it is built on. */
export function inOrder(names: readonly RelationName[]): RelationName[] {
  const out: RelationName[] = [];
  const visit = (n: RelationName) => {
    if (out.includes(n)) return;
    DEPENDS[n].forEach(visit);
    out.push(n);
  };
  names.forEach(visit);
  return out;
}

export const RELATIONS: readonly RelationName[] = ['service_events', 'responder_audit', 'alb_requests'];
