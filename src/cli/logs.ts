import { runLogQuery } from '../analytics/local-run';
import type { Output } from './output';
import { count, table } from './text-table';

export interface LogsQueryFlags {
  readonly data: string;
  readonly json?: boolean;
}

/**
 * `cityplan logs query <name|SQL> --data DIR [--json]`: a named query or ad-hoc SQL over log files
 * laid out as in the log buckets, run locally with DuckDB (see analytics/local-run.ts). Prints a
 * table and its notes (on stderr, `note: ...`), or `{query, columns, rows, notes}` with --json.
 * Exit 0; a LogQueryError is reported by main (exit 1).
 */
export async function logsQueryCommand(query: string, flags: LogsQueryFlags, io: Output): Promise<number> {
  const result = await runLogQuery(query, flags.data);
  if (flags.json) {
    io.out(JSON.stringify(result, null, 2));
    return 0;
  }
  io.out([...table(result.columns, result.rows.map((r) => result.columns.map((c) => cell(r[c])))), count(result.rows.length, 'row')].join('\n'));
  for (const note of result.notes) io.err(`note: ${note}`);
  return 0;
}

/**
 * A value as one table cell: a multi-line stack trace or a tab would break the row apart, so line
 * breaks, tabs, backslashes and other control characters are shown escaped (`\n`, `\t`, `\\`, `\u001b`).
 */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return String(v).replace(/[\\\u0000-\u001f\u007f]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}
