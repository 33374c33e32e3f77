import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { writeAlbLogObject } from '../support/log-bucket';

let data: string;
beforeAll(() => {
  data = mkdtempSync(join(tmpdir(), 'cityplan-logs-cli-'));
  writeAlbLogObject(data, 0, readFileSync(join(__dirname, '../fixtures/events/alb-access-log.http-https-h2.log'), 'utf8').trim().split('\n'));
});
afterAll(() => rmSync(data, { recursive: true, force: true }));

describe('cityplan logs query', { timeout: 60_000 }, () => {
  it('prints a named query as a table, and as JSON with --json', async () => {
    const text = await cityplan('logs', 'query', '5xx-rate-by-service', '--data', data);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^service\s+requests\s+errors_5xx\s+rate_5xx_percent$/);
    const json = await cityplan('logs', 'query', '5xx-rate-by-service', '--data', data, '--json');
    expect(JSON.parse(json.stdout).rows).toEqual([
      { service: 'www', requests: 2, errors_5xx: 0, rate_5xx_percent: 0 },
      { service: '10', requests: 1, errors_5xx: 0, rate_5xx_percent: 0 },
    ]);
  });

  it('keeps one table row per result row: line breaks and tabs in a value are shown escaped', async () => {
    const text = await cityplan('logs', 'query', "SELECT 'Error: boom' || chr(10) || chr(9) || 'at handler (app.js:1)' AS message, 'C:\\tmp' AS path", '--data', data);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')).toEqual(['message                               path', 'Error: boom\\n\\tat handler (app.js:1)  C:\\\\tmp', '1 row', '']);
    const json = JSON.parse((await cityplan('logs', 'query', "SELECT 'a' || chr(10) || 'b' AS message", '--data', data, '--json')).stdout);
    expect(json).toEqual({ query: "SELECT 'a' || chr(10) || 'b' AS message", columns: ['message'], rows: [{ message: 'a\nb' }], notes: [] });
  });

  it('fails with one line and exit 1 for bad SQL, an unknown name or a missing folder, as problems with --json', async () => {
    // `file` names the data folder when the folder is at fault, and is null when the query is.
    for (const [query, dir, message, file] of [
      ['SELECT FROM WHERE', data, /^cityplan: the query failed: Parser Error/, null],
      ['slowest-path', data, /did you mean slowest-paths\?/, null],
      ['slowest-paths', join(data, 'nope'), /nope is not a folder/, join(data, 'nope')],
    ] as const) {
      const r = await cityplan('logs', 'query', query, '--data', dir);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      const j = await cityplan('logs', 'query', query, '--data', dir, '--json');
      expect(j.code).toBe(1);
      expect(JSON.parse(j.stdout).problems).toEqual([{ file, line: null, column: null, field: null, message: expect.stringMatching(message.source.replace('^cityplan: ', '^')) }]);
    }
  });
});
