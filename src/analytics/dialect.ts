/**
 * The few SQL spellings in which Athena (Trino) and DuckDB differ, so that each query is written
 * once and rendered for both. Everything else the queries use (CASE, sum, count, split_part,
 * round, ORDER BY, LIMIT, WITH) is spelled alike in the two.
 */
export interface Dialect {
  readonly name: 'athena' | 'duckdb';
  /** A top-level string field of a JSON text, NULL when the text is not JSON or lacks the field. */
  jsonText(expr: string, field: string): string;
  /** The first capture group of `pattern` in `expr`, NULL when it does not match. */
  capture(expr: string, pattern: string): string;
  /** Whether `expr` matches the regular expression `pattern` anywhere. */
  matches(expr: string, pattern: string): string;
  /** The fraction-quantile (0–1) of `expr`: approximate in Athena, exact in DuckDB. */
  quantile(expr: string, fraction: number): string;
  /** The UTC hour of a time in epoch milliseconds, as text `yyyy-MM-dd HH:00`. */
  hourOf(epochMillis: string): string;
  /** A text value as a number, NULL when it is not one (`-` in ALB logs). */
  number(expr: string): string;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const athena: Dialect = {
  name: 'athena',
  jsonText: (e, f) => `json_extract_scalar(${e}, ${quote(`$.${f}`)})`,
  capture: (e, p) => `regexp_extract(${e}, ${quote(p)}, 1)`,
  matches: (e, p) => `regexp_like(${e}, ${quote(p)})`,
  quantile: (e, q) => `approx_percentile(${e}, ${q})`,
  hourOf: (ms) => `date_format(from_unixtime(${ms} / 1000), '%Y-%m-%d %H:00')`,
  number: (e) => `try_cast(${e} AS double)`,
};

export const duckdb: Dialect = {
  name: 'duckdb',
  // json_extract_string fails on text that is not JSON; Athena's json_extract_scalar gives NULL.
  jsonText: (e, f) => `CASE WHEN json_valid(${e}) THEN json_extract_string(${e}, ${quote(`$.${f}`)}) END`,
  // DuckDB gives '' where Trino gives NULL for no match.
  capture: (e, p) => `nullif(regexp_extract(${e}, ${quote(p)}, 1), '')`,
  matches: (e, p) => `regexp_matches(${e}, ${quote(p)})`,
  quantile: (e, q) => `quantile_cont(${e}, ${q})`,
  hourOf: (ms) => `strftime(make_timestamp(${ms} * 1000), '%Y-%m-%d %H:00')`,
  number: (e) => `try_cast(${e} AS double)`,
};
