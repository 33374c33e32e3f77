import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogQueryError, runLogQuery } from '../../src/analytics/local-run';
import { UsageError } from '../../src/manifest/problems';
import { albLine, envelope, writeAlbLogObject, writeServiceLogObject } from '../support/log-bucket';

// Sources: test/fixtures/events/INDEX.md (copied from AWS documentation examples).
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/events', name), 'utf8');
const HOUR = new Date('2026-11-30T19:00:00Z');
const visits = 'visits.staging.justice.example.gov.uk';

let root: string;
let data: string;
let outside: string;

/** A folder of one service log object (2 lines) and one ALB object (2 requests), named as given. */
function bucketCopy(dir: string): string {
  writeServiceLogObject(dir, 'visits', HOUR, [
    envelope('/cityplan/justice/staging/visits', 'visits/app/1', [
      { timestamp: HOUR.getTime(), message: 'ERROR boom\n\tat handler (app.js:1)' },
      { timestamp: HOUR.getTime() + 1, message: '{"level":"info"}' },
    ]),
  ]);
  writeAlbLogObject(dir, 0, [albLine({ client: '198.51.100.7', host: visits, path: '/', status: 200, seconds: 0.1 }), albLine({ client: '198.51.100.7', host: visits, path: '/', status: 502, seconds: -1 })]);
  return dir;
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cityplan-logs-confined-'));
  data = bucketCopy(join(root, 'data'));
  outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.csv'), 'a,b\n1,2\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const failure = (query: string, dir = data) => runLogQuery(query, dir).then(() => undefined, (e: unknown) => e as Error);

// DuckDB starts an instance per query: generous time on a busy machine, no timing asserted.
describe('logs query keeps DuckDB inside --data', { timeout: 60_000 }, () => {
  it('reads no file outside the folder, and no URL', async () => {
    symlinkSync(join(outside, 'secret.csv'), join(data, 'link.csv'));
    for (const sql of [
      `SELECT * FROM read_csv('${join(data, 'link.csv')}')`, // a link inside that points out
      `SELECT * FROM read_csv('${join(outside, 'secret.csv')}')`,
      `SELECT * FROM read_text('${join(data, '..', 'outside', 'secret.csv')}')`,
      `SELECT * FROM glob('${join(outside, '*')}')`,
      "SELECT * FROM read_json('https://example.com/x.json')",
    ]) {
      const e = await failure(sql);
      expect(e, sql).toBeInstanceOf(LogQueryError);
      expect(e!.message, sql).toMatch(/^the query failed: Permission Error: Cannot access file ".*" - file system operations are disabled by configuration$/);
    }
  });

  it('writes nothing, attaches nothing, installs and loads no extension, changes no setting', async () => {
    const refused = [
      // Outside the folder DuckDB refuses it already while preparing; inside, the statement type is refused.
      [`COPY (SELECT 1 AS x) TO '${join(outside, 'pwned.csv')}'`, /^the query failed: Permission Error: Cannot access file/],
      [`COPY (SELECT 1 AS x) TO '${join(data, 'pwned.csv')}'`, /^COPY statements are refused: logs query only reads/],
      [`ATTACH '${join(data, 'new.db')}'`, /^ATTACH statements are refused/],
      ['INSTALL httpfs', /^INSTALL and LOAD statements are refused/],
      ['LOAD httpfs', /^INSTALL and LOAD statements are refused/],
      ['SET enable_external_access = true', /^SET statements are refused/],
      ['CREATE TABLE t AS SELECT 1', /^CREATE statements are refused/],
    ] as const;
    for (const [sql, message] of refused) expect((await failure(sql))?.message, sql).toMatch(message);
    expect(existsSync(join(outside, 'pwned.csv'))).toBe(false);
    expect(existsSync(join(data, 'pwned.csv'))).toBe(false);
    expect(existsSync(join(data, 'new.db'))).toBe(false);
    // Even read through a SELECT, the settings say the instance is locked down.
    const { rows } = await runLogQuery(
      "SELECT current_setting('enable_external_access') AS external, current_setting('lock_configuration') AS locked, current_setting('autoinstall_known_extensions') AS autoinstall, current_setting('autoload_known_extensions') AS autoload",
      data,
    );
    expect(rows).toEqual([{ external: false, locked: true, autoinstall: false, autoload: false }]);
  });

  it('reads a data folder reached through a symbolic link', async () => {
    symlinkSync(data, join(root, 'linked'));
    expect((await runLogQuery('SELECT count(*) AS lines FROM service_events', join(root, 'linked'))).rows).toEqual([{ lines: 2 }]);
  });

  it('reads a folder whose name holds glob characters as it is', async () => {
    const odd = bucketCopy(join(root, "glob[1]*? it's"));
    bucketCopy(join(root, 'glob1xx')); // what the name would match as a pattern: must not be read
    const { rows } = await runLogQuery('SELECT (SELECT count(*) FROM service_events) AS lines, (SELECT count(*) FROM alb_requests) AS requests', odd);
    expect(rows).toEqual([{ lines: 2, requests: 2 }]);
  });
});

describe('logs query SQL and values', { timeout: 60_000 }, () => {
  it('refuses an empty query as a usage error, and several statements or only comments clearly', async () => {
    for (const q of ['', '   ']) expect(await failure(q)).toBeInstanceOf(UsageError);
    expect((await failure("select 'first' a; select 'second' b"))?.message).toBe(
      'the query holds 2 SQL statements; give one SELECT statement (run the others one at a time)',
    );
    expect((await failure('-- nothing here'))?.message).toMatch(/^the query holds no SQL statement/);
    expect((await failure('SELEC 1'))?.message).toBe('the query failed: Parser Error: syntax error at or near "SELEC"');
  });

  it('keeps every digit of big integers and decimals, and every column of a repeated name', async () => {
    const { columns, rows } = await runLogQuery(
      "SELECT 9007199254740993::BIGINT AS big, 9007199254740991::BIGINT AS safe, 170141183460469231731687303715884105727::HUGEINT AS huge, 12345678901234567.89::DECIMAL(38,2) AS dec, 1.5::DECIMAL(4,1) AS small, 'first' AS a, 'second' AS a",
      data,
    );
    expect(columns).toEqual(['big', 'safe', 'huge', 'dec', 'small', 'a', 'a:1']);
    expect(rows).toEqual([
      { big: '9007199254740993', safe: 9007199254740991, huge: '170141183460469231731687303715884105727', dec: '12345678901234567.89', small: 1.5, a: 'first', 'a:1': 'second' },
    ]);
  });
});

describe('logs query files it cannot read', { timeout: 60_000 }, () => {
  it('names an empty .gz and a corrupt .gz instead of failing obscurely', async () => {
    const dir = bucketCopy(join(root, 'empty-gz'));
    const part = join(dir, 'services/dt=2026-11-30/hour=19/service=visits');
    writeFileSync(join(part, 'zero.gz'), '');
    const empty = await failure('errors-by-service', dir);
    expect(empty).toBeInstanceOf(LogQueryError);
    expect(empty!.message).toBe(`${join(dir, 'services/dt=2026-11-30/hour=19/service=visits/zero.gz')} is an empty file, not gzip: sync it again or remove it`);
    expect((empty as LogQueryError).file).toBe(dir);

    const corrupt = bucketCopy(join(root, 'corrupt-gz'));
    const whole = gzipSync(`${JSON.stringify(envelope('/cityplan/justice/staging/visits', 's', [{ timestamp: 1, message: 'x'.repeat(5000) }]))}\n`);
    writeFileSync(join(corrupt, 'services/dt=2026-11-30/hour=19/service=visits/cut.gz'), whole.subarray(0, whole.length / 2));
    const e = await failure('errors-by-service', corrupt);
    expect(e).toBeInstanceOf(LogQueryError);
    expect(e!.message).toMatch(/cut\.gz is not readable gzip: .*; sync it again or remove it$/);
    expect(e!.message.split('\n')).toHaveLength(1);
    expect((e as LogQueryError).file).toBe(corrupt);

    const text = bucketCopy(join(root, 'text-gz'));
    const notes = 'services/dt=2026-11-30/hour=19/service=visits/notes.gz';
    writeFileSync(join(text, notes), gzipSync('this is not a log envelope\n'));
    const malformed = await failure('errors-by-service', text);
    expect(malformed!.message).toBe(`${join(text, notes)} holds text that is not JSON, but the log pipeline writes one CloudWatch Logs envelope as JSON per line: sync it again or remove it`);
    expect((malformed as LogQueryError).file).toBe(text);
  });

  it('counts and names files it does not read and ALB lines that do not parse', async () => {
    const dir = bucketCopy(join(root, 'unread'));
    const day = join(dir, 'ingress/0/AWSLogs/111111111111/elasticloadbalancing/eu-west-2/2026/11/30');
    writeFileSync(join(day, 'plain.log'), `${albLine({ client: '198.51.100.7', host: visits, path: '/', status: 200, seconds: 0.1 })}\n`);
    writeAlbLogObject(dir, 1, ['not an access log line', fixture('alb-access-log.http-https-h2.log').trim().split('\n')[0]!]);
    const result = await runLogQuery('5xx-rate-by-service', dir);
    expect(result.rows.reduce((n, r) => n + Number(r.requests), 0)).toBe(3);
    expect(result.notes).toEqual([
      '1 file was not read (not gzip, or outside the bucket layout): ingress/0/AWSLogs/111111111111/elasticloadbalancing/eu-west-2/2026/11/30/plain.log',
      '1 ALB access log line did not parse and was left out of alb_requests',
    ]);
    expect((await runLogQuery('errors-by-service', data)).notes).toEqual([]);
  });
});
