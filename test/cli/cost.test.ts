/** `cityplan cost`: its table and JSON on the example estate, and its answers to wrong input. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { copyExample, STAGING_ESTATE, writeEstate } from '../support/estate-files';

const SERVICES = ['apply-for-legal-aid', 'book-a-prison-visit', 'court-case-notifications', 'find-a-court', 'money-reconciliation', 'prisoner-search-api', 'send-money-to-prisoners'];

describe('cityplan cost', () => {
  it('prints each environment with every service, the shared lines, the comparisons, the date and the defaults', async () => {
    const { code, stdout, stderr } = await cityplan('cost', 'examples/justice');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^staging \(eu-west-2, egress nat-single\): \$[\d,]+\.\d\d a month$/m);
    expect(stdout).toMatch(/^production \(eu-west-2, egress nat\): \$[\d,]+\.\d\d a month$/m);
    for (const s of SERVICES) expect(stdout.match(new RegExp(`^  ${s} `, 'gm'))?.length).toBe(3); // two environments and a pipeline
    expect(stdout).toMatch(/^ {4}NAT gateways \(3\) +2,190 NAT gateway-hour +\$109\.50$/m);
    expect(stdout).toMatch(/load balancers: 1 shard for 4 web services \$[\d.]+; one per web service would be \$[\d.]+/);
    expect(stdout).toMatch(/egress \(42 GB a month\): nat \$[\d.]+ · nat-single \$[\d.]+ \(current\) · endpoints \$[\d.]+/);
    expect(stdout).toMatch(/^total: \$[\d,]+\.\d\d a month$/m);
    expect(stdout).toContain('An estimate from AWS list prices (USD, on-demand, dated 2026-11-30; 730 hours a month');
    expect(stdout).toContain('Usage assumed where a service\'s usage does not say: 1,000,000 requests, 1 GB of logs');
    expect(stdout).toMatch(/^\* rests on a price that could not be checked on 2026-11-30 \(\d+\): .*eu-west-2 dashboardMonth/m);
  });

  it('--json: the documented shape, whose totals the report reads', async () => {
    const { code, stdout } = await cityplan('cost', 'examples/justice', '--json');
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(Object.keys(e)).toEqual(['priceDate', 'currency', 'hoursPerMonth', 'environments', 'delivery', 'total', 'comparisons', 'usage', 'unverified']);
    expect(e.environments.map((x: { name: string }) => x.name)).toEqual(['staging', 'production']);
    const prod = e.environments[1];
    expect(Object.keys(prod)).toEqual(['name', 'region', 'egress', 'monthly', 'shared', 'services']);
    expect(prod.services.map((s: { name: string }) => s.name)).toEqual(SERVICES);
    for (const s of prod.services) {
      expect(Object.keys(s)).toEqual(['name', 'kind', 'owner', 'monthly', 'ceiling', 'lines']);
      for (const l of s.lines) expect(Object.keys(l).slice(0, 5)).toEqual(['item', 'quantity', 'unit', 'unitPrice', 'monthly']);
    }
    const sum = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b * 100, 0)) / 100;
    expect(e.total).toBe(sum([...e.environments.map((x: { monthly: number }) => x.monthly), e.delivery.monthly]));
    expect(Object.keys(e.comparisons)).toEqual(['oneAlbPerService', 'egress']);
    expect(e.comparisons.egress[1]).toMatchObject({ environment: 'production', current: 'nat' });
    // Unit prices as the table has them (per million divided out), without binary noise such as 4.0000000000000003e-7.
    const prices = [...stdout.matchAll(/"unitPrice": ([^,\n]+)/g)].map((m) => m[1]!);
    expect(prices.length).toBeGreaterThan(50);
    for (const text of prices) expect(text.replace(/e.*$/, '').replace(/^[0.]+/, '').replace('.', '').length, text).toBeLessThanOrEqual(12);
    expect(prices).toContain('2e-7');
  });

  it('--env: one environment; a near miss is suggested (exit 2)', async () => {
    const one = await cityplan('cost', 'examples/justice', '--env', 'production', '--json');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).environments.map((x: { name: string }) => x.name)).toEqual(['production']);
    const { code, stderr } = await cityplan('cost', 'examples/justice', '--env', 'prod');
    expect(code).toBe(2);
    expect(stderr).toContain("no environment 'prod' in justice; did you mean production?");
  });

  it('a wrong usage value: exit 1, at its file, line and field', async () => {
    const dir = copyExample();
    const file = join(dir, 'services/find-a-court.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}usage:\n  requestsPerMonth: -5\n`);
    const line = readFileSync(file, 'utf8').split('\n').indexOf('  requestsPerMonth: -5') + 1;
    const { code, stdout } = await cityplan('cost', dir, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).problems).toContainEqual(expect.objectContaining({ file: 'services/find-a-court.yaml', line, field: 'usage.requestsPerMonth', message: expect.stringContaining('must be 0 or more') }));
  });

  it('usage AWS and the calendar make impossible: more hours than a month has, half a build, a cache larger than AWS holds', async () => {
    const dir = copyExample();
    const file = join(dir, 'services/find-a-court.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}usage:\n  jobHoursPerMonth: 745\n  buildsPerMonth: 2.5\n  requestsPerMonth: 1000.5\n  cacheGB: 6000\n`);
    const estate = join(dir, 'estate.yaml');
    writeFileSync(estate, `${readFileSync(estate, 'utf8')}usage:\n  buildMinutes: 3000\n  dnsQueriesPerMonth: 0.5\n`);
    const lineOf = (f: string, text: string) => readFileSync(f, 'utf8').split('\n').indexOf(text) + 1;
    const { code, stdout } = await cityplan('cost', dir, '--json');
    expect(code).toBe(1);
    const problems = JSON.parse(stdout).problems;
    const at = (f: string, text: string, field: string, message: string) => expect(problems).toContainEqual(expect.objectContaining({ file: f, line: lineOf(join(dir, f), text), field, message: expect.stringContaining(message) }));
    at('services/find-a-court.yaml', '  jobHoursPerMonth: 745', 'usage.jobHoursPerMonth', 'must be at most 744 (a month has at most 31 × 24 = 744 hours)');
    at('services/find-a-court.yaml', '  buildsPerMonth: 2.5', 'usage.buildsPerMonth', 'must be a whole number, such as 20');
    at('services/find-a-court.yaml', '  requestsPerMonth: 1000.5', 'usage.requestsPerMonth', 'must be a whole number, such as 1000000');
    at('services/find-a-court.yaml', '  cacheGB: 6000', 'usage.cacheGB', 'must be at most 5000');
    at('estate.yaml', '  buildMinutes: 3000', 'usage.buildMinutes', "must be at most 2160 (CodeBuild's longest build timeout, 36 hours)");
    at('estate.yaml', '  dnsQueriesPerMonth: 0.5', 'usage.dnsQueriesPerMonth', 'must be a whole number, such as 1000000');
    // The limits themselves are right values.
    writeFileSync(file, readFileSync(file, 'utf8').replace('745', '744').replace('2.5', '3').replace('1000.5', '1000').replace('6000', '5000'));
    writeFileSync(estate, readFileSync(estate, 'utf8').replace('3000', '2160').replace('0.5', '1'));
    expect((await cityplan('cost', dir, '--json')).code).toBe(0);
  });

  it('an estate with no services yet: says so instead of an empty table header, and still prices the shared lines', async () => {
    const dir = writeEstate({ 'estate.yaml': STAGING_ESTATE });
    const { code, stdout } = await cityplan('cost', dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^staging \(eu-west-2, egress nat-single\): \$[\d,]+\.\d\d a month\n\n {2}no services yet\n\n {2}shared\n/m);
    expect(stdout).not.toMatch(/service +kind +monthly/);
    expect(stdout).toMatch(/^ {4}NAT gateway \(1\) +730 NAT gateway-hour/m);
    expect(stdout).toMatch(/^ {2}services \$0\.00 \+ shared \$[\d,.]+ = \$[\d,.]+$/m);
    // With pipelines (delivery.repo) but none yet, the delivery account's table says so too.
    const piped = await cityplan('cost', writeEstate({ 'estate.yaml': STAGING_ESTATE.replace('delivery:\n', 'delivery:\n  repo: example/estate\n') }));
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^delivery account 111111111111 \(eu-west-2\): \$[\d,.]+ a month\n\n {2}no pipelines yet\n/m);
    expect(piped.stdout).not.toMatch(/pipeline +monthly/);
  });

  it('an environment in a region without prices: exit 1, at the line of its region', async () => {
    const dir = copyExample();
    const file = join(dir, 'estate.yaml');
    // Without pipelines: with them, an environment outside the estate's region is refused anyway.
    writeFileSync(file, readFileSync(file, 'utf8').replace('    zones: 3\n', '    zones: 3\n    region: eu-west-1\n').replace(/^ {2}repo: .*\n/m, ''));
    const line = readFileSync(file, 'utf8').split('\n').indexOf('    region: eu-west-1') + 1;
    const { code, stderr } = await cityplan('cost', dir);
    expect(code).toBe(1);
    expect(stderr).toContain(`estate.yaml:${line}:`);
    expect(stderr).toContain('environments.production.region: environment production is in eu-west-1, but the price table (2026-11-30) holds eu-west-2 and us-east-1 only');
  });

  it('--env prices only that environment: another in a region without prices neither fails it nor loses its line', async () => {
    const dir = copyExample();
    const file = join(dir, 'estate.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('    capacity: spot\n', '    capacity: spot\n    region: eu-west-1\n').replace(/^ {2}repo: .*\n/m, ''));
    const line = readFileSync(file, 'utf8').split('\n').indexOf('    region: eu-west-1') + 1;
    const production = await cityplan('cost', dir, '--env', 'production', '--json');
    expect(production.code).toBe(0);
    expect(JSON.parse(production.stdout).environments.map((e: { name: string; region: string }) => [e.name, e.region])).toEqual([['production', 'eu-west-2']]);
    const staging = await cityplan('cost', dir, '--env', 'staging', '--json');
    expect(staging.code).toBe(1);
    expect(JSON.parse(staging.stdout).problems).toEqual([expect.objectContaining({ file: 'estate.yaml', line, field: 'environments.staging.region', message: expect.stringContaining('environment staging is in eu-west-1') })]);
  });
});
