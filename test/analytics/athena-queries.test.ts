import { describe, expect, it } from 'vitest';
import { athena, duckdb } from '../../src/analytics/dialect';
import { athenaQueryText, NAMED_QUERIES } from '../../src/analytics/queries';

const tables = { database: 'cityplan_test__staging', serviceLogs: 'service_logs', albLogs: 'alb_access_logs', days: 7 };
// Spellings only one of the two engines knows (see dialect.ts).
const DUCKDB_ONLY = /\b(json_valid|json_extract_string|regexp_matches|quantile_cont|strftime|make_timestamp|read_json|read_csv)\b/;
const ATHENA_ONLY = /\b(json_extract_scalar|regexp_like|approx_percentile|from_unixtime|date_format)\b/;

describe('the named queries as Athena runs them', () => {
  it.each(NAMED_QUERIES.map((q) => [q.name, q] as const))('%s reads the Glue tables in Athena spelling, bounded by day', (_, query) => {
    const text = athenaQueryText(query, tables);
    expect(text).not.toMatch(DUCKDB_ONLY);
    expect(text).toMatch(/^-- .+\nWITH /);
    // Every relation comes before the ones built on it.
    if (text.includes('responder_audit AS')) expect(text.indexOf('service_events AS')).toBeLessThan(text.indexOf('responder_audit AS'));
    // Partition predicates keep the scan to the last 7 days.
    if (text.includes('"service_logs"')) expect(text).toContain(`dt >= date_format(current_date - interval '7' day, '%Y-%m-%d')`);
    if (text.includes('"alb_access_logs"')) expect(text).toContain(`day >= date_format(current_date - interval '7' day, '%Y/%m/%d')`);
  });

  it('renders each body once per engine, differing only in dialect functions', () => {
    for (const q of NAMED_QUERIES) {
      expect(q.body(duckdb)).not.toMatch(ATHENA_ONLY);
      expect(q.body(athena)).not.toMatch(DUCKDB_ONLY);
    }
  });

  it('names queries as the CLI takes them', () => {
    for (const q of NAMED_QUERIES) expect(q.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});
