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
 * table, or `{query, columns, rows}` with --json. Exit 0; a LogQueryError is reported by main (exit 1).
 */
export async function logsQueryCommand(query: string, flags: LogsQueryFlags, io: Output): Promise<number> {
  const result = await runLogQuery(query, flags.data);
  if (flags.json) {
    io.out(JSON.stringify(result, null, 2));
    return 0;
  }
  const cell = (v: unknown) => (v === null ? '' : String(v));
  io.out([...table(result.columns, result.rows.map((r) => result.columns.map((c) => cell(r[c])))), count(result.rows.length, 'row')].join('\n'));
  return 0;
}
