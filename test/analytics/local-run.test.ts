import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogQueryError, runLogQuery } from '../../src/analytics/local-run';
import { NAMED_QUERIES } from '../../src/analytics/queries';
import { albLine, envelope, writeAlbLogObject, writeServiceLogObject } from '../support/log-bucket';

// Sources: test/fixtures/events/INDEX.md (copied from AWS documentation examples).
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/events', name), 'utf8');

const HOUR = new Date('2026-11-30T19:00:00Z');
const t = (minute: number) => HOUR.getTime() + minute * 60_000;
const group = (service: string) => `/cityplan/justice/staging/${service}`;
const audit = (fields: Record<string, string>) => JSON.stringify({ audit: 'cityplan.responder', at: '2026-11-30T19:00:00Z', ...fields });

let data: string;

beforeAll(() => {
  data = mkdtempSync(join(tmpdir(), 'cityplan-logs-'));
  // visits: 3 JSON errors, 1 plain-text ERROR line, 2 info lines; its second life (/2) adds 1 fatal.
  writeServiceLogObject(data, 'visits', HOUR, [
    envelope(group('visits'), 'visits/app/1', [
      { timestamp: t(1), message: '{"level":"error","msg":"db timeout"}' },
      { timestamp: t(2), message: '{"level":"ERROR","msg":"db timeout"}' },
      { timestamp: t(3), message: '{"level":"error"}' },
      { timestamp: t(4), message: '2026-11-30 19:04 ERROR plain text' },
      { timestamp: t(5), message: '{"level":"info","msg":"ok"}' },
      { timestamp: t(6), message: 'started on port 8080' },
    ]),
    envelope(`${group('visits')}/2`, 'visits/app/2', [{ timestamp: t(7), message: '{"level":"fatal"}' }]),
    // CloudWatch Logs checks the destination with a control message: never a log line.
    JSON.parse(fixture('cloudwatch-logs-subscription.control-message.json')),
  ]);
  // payments: 1 fatal (the first level word of a plain line counts), 1 warning. The documentation's data message (CloudTrail group) names no service: its
  // lines are rows with a NULL service and no level, and count nowhere.
  writeServiceLogObject(data, 'payments', HOUR, [
    envelope(group('payments'), 'payments/app/1', [
      { timestamp: t(1), message: 'FATAL crash after a WARN' },
      { timestamp: t(2), message: 'WARN slow, then an error' },
    ]),
    JSON.parse(fixture('cloudwatch-logs-subscription.data-message.json')),
  ]);
  // The responder: 2 deployments of visits started, 1 failed (19:xx), 1 of payments completed at 20:xx;
  // actions: a rollback done and a scale-out in dry-run. Its diagnostics line is not audit.
  writeServiceLogObject(data, 'responder', HOUR, [
    envelope(group('responder'), 'responder/1', [
      { timestamp: t(1), message: audit({ service: 'visits', event: 'SERVICE_DEPLOYMENT_IN_PROGRESS' }) },
      { timestamp: t(2), message: audit({ service: 'visits', event: 'SERVICE_DEPLOYMENT_IN_PROGRESS' }) },
      { timestamp: t(3), message: audit({ service: 'visits', event: 'SERVICE_DEPLOYMENT_FAILED', runbook: 'deploy-regression', action: 'rollback', outcome: 'done' }) },
      { timestamp: t(64), message: audit({ service: 'payments', event: 'SERVICE_DEPLOYMENT_COMPLETED' }) },
      { timestamp: t(65), message: audit({ service: 'payments', event: 'CloudWatch Alarm State Change', runbook: 'scale-out', action: 'scale-out', outcome: 'dry-run' }) },
      { timestamp: t(66), message: '{"level":"info","msg":"responder started","service":"x","event":"SERVICE_DEPLOYMENT_FAILED"}' },
    ]),
  ]);

  // ALB: the documentation's three entries (host www.example.com → "www"; 10.0.2.105 → "10"), and
  // visits: 10 requests of which 3 are 502 and 2 are 404 from 203.0.113.9; /slow takes 2.5 s.
  writeAlbLogObject(data, 0, fixture('alb-access-log.http-https-h2.log').trim().split('\n'));
  const visits = 'visits.staging.justice.example.gov.uk';
  writeAlbLogObject(data, 1, [
    ...Array.from({ length: 5 }, () => albLine({ client: '198.51.100.7', host: visits, path: '/book?slot=1', status: 200, seconds: 0.1 })),
    albLine({ client: '198.51.100.7', host: visits, path: '/slow', status: 200, seconds: 2.5 }),
    ...Array.from({ length: 3 }, () => albLine({ client: '198.51.100.8', host: visits, path: '/book', status: 502, seconds: -1 })),
    albLine({ client: '203.0.113.9', host: visits, path: '/wp-login.php', status: 404, seconds: 0.002 }),
    albLine({ client: '203.0.113.9', host: 'payments.staging.justice.example.gov.uk', path: '/.env', status: 404, seconds: 0.001 }),
  ]);
});

afterAll(() => rmSync(data, { recursive: true, force: true }));

// DuckDB starts an instance per query: generous time on a busy machine, no timing asserted.
describe('logs query, run locally with DuckDB', { timeout: 60_000 }, () => {
  it('counts errors by service: JSON level or a plain ERROR/FATAL word, every life of the log group', async () => {
    const { rows } = await runLogQuery('errors-by-service', data);
    expect(rows).toEqual([
      { service: 'visits', errors: 5 },
      { service: 'payments', errors: 1 },
    ]);
  });

  it('parses every ALB line, the documentation examples included, for the 5xx rate', async () => {
    const { rows } = await runLogQuery('5xx-rate-by-service', data);
    expect(rows).toEqual([
      { service: 'visits', requests: 10, errors_5xx: 3, rate_5xx_percent: 30 },
      { service: 'www', requests: 2, errors_5xx: 0, rate_5xx_percent: 0 },
      { service: '10', requests: 1, errors_5xx: 0, rate_5xx_percent: 0 },
      { service: 'payments', requests: 1, errors_5xx: 0, rate_5xx_percent: 0 },
    ]);
  });

  it('ranks the slowest paths by p99 target time, leaving out requests no target answered', async () => {
    const { rows } = await runLogQuery('slowest-paths', data);
    expect(rows[0]).toEqual({ service: 'visits', path: '/slow', requests: 1, p99_seconds: 2.5 });
    expect(rows.find((r) => r.path === '/book')).toEqual({ service: 'visits', path: '/book', requests: 5, p99_seconds: 0.1 });
    expect(rows.reduce((n, r) => n + Number(r.requests), 0)).toBe(14 - 3);
  });

  it('finds the client with the most 4xx answers', async () => {
    const { rows } = await runLogQuery('top-4xx-clients', data);
    expect(rows).toEqual([{ client_ip: '203.0.113.9', responses_4xx: 2, services: 2, paths: 2 }]);
  });

  it('reads deployments and responder actions per hour from the audit lines only', async () => {
    expect((await runLogQuery('deployments-over-time', data)).rows).toEqual([
      { hour: '2026-11-30 19:00', service: 'visits', started: 2, completed: 0, failed: 1 },
      { hour: '2026-11-30 20:00', service: 'payments', started: 0, completed: 1, failed: 0 },
    ]);
    expect((await runLogQuery('responder-actions-over-time', data)).rows).toEqual([
      { hour: '2026-11-30 19:00', runbook: 'deploy-regression', action: 'rollback', outcome: 'done', actions: 1 },
      { hour: '2026-11-30 20:00', runbook: 'scale-out', action: 'scale-out', outcome: 'dry-run', actions: 1 },
    ]);
  });

  it('runs ad-hoc SQL over the same relations, control messages left out', async () => {
    const { columns, rows } = await runLogQuery('SELECT count(*) AS lines, count(DISTINCT service) AS services FROM service_events', data);
    expect(columns).toEqual(['lines', 'services']);
    // 6 + 1 + 2 + 3 (the documentation's CloudTrail lines) + 6 responder lines.
    expect(rows).toEqual([{ lines: 18, services: 3 }]);
  });

  it('runs every named query on a folder holding only one of the two buckets', async () => {
    const only = mkdtempSync(join(tmpdir(), 'cityplan-logs-alb-'));
    try {
      writeAlbLogObject(only, 0, fixture('alb-access-log.http-https-h2.log').trim().split('\n'));
      for (const q of NAMED_QUERIES) await expect(runLogQuery(q.name, only)).resolves.toHaveProperty('columns');
      expect((await runLogQuery('errors-by-service', only)).rows).toEqual([]);
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });

  it('says which name was meant, and refuses SQL DuckDB cannot run, in one line', async () => {
    await expect(runLogQuery('errors-by-servce', data)).rejects.toThrow(/^errors-by-servce is not a named query; did you mean errors-by-service\?/);
    const bad = await runLogQuery('SELEC * FROM service_events', data).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(LogQueryError);
    expect((bad as Error).message).toMatch(/^the query failed: Parser Error: syntax error at or near "SELEC"$/);
    await expect(runLogQuery('SELECT nope FROM service_events', data)).rejects.toThrow(/^the query failed: Binder Error/);
  });

  it('refuses a missing folder and a folder without log files', async () => {
    await expect(runLogQuery('errors-by-service', join(data, 'absent'))).rejects.toThrow(/absent is not a folder/);
    const empty = join(data, 'empty');
    mkdirSync(join(empty, 'services'), { recursive: true });
    await expect(runLogQuery('errors-by-service', empty)).rejects.toThrow(/holds no log files/);
  });
});
