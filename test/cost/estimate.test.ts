/**
 * The cost model's arithmetic on small estates, against figures worked by hand from the eu-west-2
 * column of src/cost/prices.ts (the working is in each test). A price change in the table changes
 * these figures: update the working with it.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateCost, type CostEstimate } from '../../src/cost/estimate';
import { allocateEstate } from '../../src/estate/allocation';
import { emptyLock } from '../../src/estate/lock';
import { loadEstate } from '../../src/manifest/load';
import type { EstateSpec, ServiceSpec } from '../../src/manifest/spec';
import { STAGING_ESTATE, MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

function estimate(files: Record<string, string>, environment?: string): CostEstimate {
  const spec = loadEstate(writeEstate(files));
  const { environments } = allocateEstate(spec, emptyLock());
  return estimateCost(spec, environments, environment ? { environment } : {});
}

const backend = (name: string, extra = '') => `name: ${name}
kind: backend
owner: team@example.gov.uk
image: public.ecr.aws/nginx/nginx:1.27
${extra}`;

const lineOf = (e: CostEstimate, service: string, item: string | RegExp, env = 0) => {
  const s = e.environments[env]!.services.find((x) => x.name === service)!;
  const found = s.lines.find((l) => (typeof item === 'string' ? l.item === item : item.test(l.item)));
  if (!found) throw new Error(`no line ${item} in ${service}: ${s.lines.map((l) => l.item).join(', ')}`);
  return found;
};
const sharedOf = (e: CostEstimate, item: string | RegExp, env = 0) => e.environments[env]!.shared.find((l) => (typeof item === 'string' ? l.item === item : item.test(l.item)));

describe('estimateCost', () => {
  it('prices one 256/512 task on demand in eu-west-2, with its logs and alarms', () => {
    const e = estimate({ 'estate.yaml': STAGING_ESTATE, 'services/api.yaml': backend('api', 'count: {min: 1, max: 3}\n') });
    const api = e.environments[0]!.services[0]!;
    // vCPU: 0.25 vCPU × 730 h = 182.5 vCPU-h × $0.04656 = $8.4972 → $8.50
    expect(lineOf(e, 'api', 'Fargate vCPU (on-demand)')).toMatchObject({ quantity: 182.5, monthly: 8.5 });
    // memory: 0.5 GB × 730 h = 365 GB-h × $0.00511 = $1.86515 → $1.87
    expect(lineOf(e, 'api', 'Fargate memory (on-demand)')).toMatchObject({ quantity: 365, monthly: 1.87 });
    // logs (1 GB default): ingestion 1 × $0.5985 → $0.60; 30 days kept: 1 GB-month × $0.0315 → $0.03;
    // Firehose 1 × $0.035 → $0.04; log bucket 90 days: 3 GB-months × $0.024 = $0.072 → $0.07
    expect(lineOf(e, 'api', 'CloudWatch Logs ingestion').monthly).toBe(0.6);
    expect(lineOf(e, 'api', /^CloudWatch Logs storage/).monthly).toBe(0.03);
    expect(lineOf(e, 'api', /^Firehose/).monthly).toBe(0.04);
    expect(lineOf(e, 'api', /^Log bucket storage/).monthly).toBe(0.07);
    // a backend's alarms: log error rate (2 metrics), fatal (1), log anomalies (1): 4 × $0.10 = $0.40;
    // its metric filters publish 4 custom metrics: 4 × $0.30 = $1.20
    expect(lineOf(e, 'api', /^CloudWatch alarms \(3 alarms\)/)).toMatchObject({ quantity: 4, monthly: 0.4 });
    expect(lineOf(e, 'api', /^Custom metrics/).monthly).toBe(1.2);
    // 8.50 + 1.87 + 0.60 + 0.03 + 0.04 + 0.07 + 0.40 + 1.20 = 12.71
    expect(api.monthly).toBe(12.71);
    // at count.max 3: vCPU 547.5 × 0.04656 = 25.4916 → 25.49, memory 1095 × 0.00511 = 5.59545 → 5.60:
    // 31.09 − (8.50 + 1.87) = 20.72 more, 12.71 + 20.72 = 33.43
    expect(api.ceiling).toBe(33.43);
    // a line is marked exactly when its price is unverified: every London price a backend's lines
    // rest on has been checked, the environment's dashboard price has not
    expect(api.lines.filter((l) => l.unverified)).toEqual([]);
    expect(sharedOf(e, 'CloudWatch dashboard')?.unverified).toBe(true);
    expect(e.unverified.map((u) => u.price)).toContain('dashboardMonth');
    expect(e.unverified.map((u) => u.price)).not.toContain('fargateVcpuHour');
  });

  it('prices a us-east-1 environment at us-east-1 prices, unmarked where the price was checked', () => {
    const estate = STAGING_ESTATE.replace('region: eu-west-2', 'region: us-east-1').replace(/eu-west-2:111111111111/, 'us-east-1:111111111111');
    const e = estimate({ 'estate.yaml': estate, 'services/api.yaml': backend('api', 'count: {min: 1, max: 1}\nqueue: {}\npublish: [done]\n').replace('kind: backend', 'kind: worker') });
    // 182.5 vCPU-h × $0.04048 = $7.3876 → $7.39 (checked: no mark); 365 GB-h × $0.004445 = $1.622425 → $1.62
    expect(lineOf(e, 'api', 'Fargate vCPU (on-demand)')).toEqual({ item: 'Fargate vCPU (on-demand)', quantity: 182.5, unit: 'vCPU-hour', unitPrice: 0.04048, monthly: 7.39 });
    expect(lineOf(e, 'api', 'Fargate memory (on-demand)').monthly).toBe(1.62);
    // a worker's queue: 1 million messages × 3 requests × $0.40 a million = $1.20 (checked: no mark);
    // its topic: 1 million publishes × $0.50 a million = $0.50; Firehose at $0.029 (unverified: marked)
    expect(lineOf(e, 'api', 'SQS requests')).toMatchObject({ quantity: 3_000_000, unit: 'requests', monthly: 1.2 });
    expect(lineOf(e, 'api', 'SQS requests').unverified).toBeUndefined();
    expect(lineOf(e, 'api', /^Firehose/).unverified).toBe(true);
    expect(lineOf(e, 'api', /^SNS publishes \(1 topic\)/).monthly).toBe(0.5);
    // its dead-letter alarm makes 4 alarms
    expect(lineOf(e, 'api', /^CloudWatch alarms \(4 alarms\)/).quantity).toBe(5);
    expect(e.unverified.every((u) => u.region === 'us-east-1')).toBe(true);
    expect(e.unverified.map((u) => u.price)).not.toContain('fargateVcpuHour');
  });

  it('runs all but one task on Spot where capacity is spot', () => {
    const estate = STAGING_ESTATE.replace('domain: staging.example.gov.uk', 'domain: staging.example.gov.uk\n    capacity: spot');
    const e = estimate({ 'estate.yaml': estate, 'services/api.yaml': backend('api', 'count: {min: 3, max: 3}\n') });
    // one task on demand: $8.50 + $1.87, as above
    expect(lineOf(e, 'api', 'Fargate vCPU (on-demand)')).toMatchObject({ quantity: 182.5, monthly: 8.5 });
    expect(lineOf(e, 'api', 'Fargate memory (on-demand)').monthly).toBe(1.87);
    // two on Spot: 2 × 0.25 × 730 = 365 vCPU-h × $0.01455 = $5.31075 → $5.31; 730 GB-h × $0.0016 = $1.168 → $1.17
    expect(lineOf(e, 'api', 'Fargate vCPU (Spot)')).toMatchObject({ quantity: 365, monthly: 5.31 });
    expect(lineOf(e, 'api', 'Fargate memory (Spot)')).toMatchObject({ quantity: 730, monthly: 1.17 });
  });

  it("gives a web service its share of its shard's hours, and its own LCUs and WAF requests", () => {
    const e = estimate({ 'estate.yaml': STAGING_ESTATE, 'services/a.yaml': webService('a'), 'services/b.yaml': webService('b', 'usage: {requestsPerMonth: 10000000}\n') });
    // the shard's 730 h split between 2: 365 × $0.02646 = $9.6579 → $9.66
    expect(lineOf(e, 'a', /^Load balancer hours \(1\/2 of shard 0\)/)).toMatchObject({ quantity: 365, monthly: 9.66 });
    // its public IPv4 address in each of 2 zones: 2 × 730 / 2 = 730 address-h × $0.005 = $3.65
    expect(lineOf(e, 'a', /^Load balancer public IPv4/)).toMatchObject({ quantity: 730, monthly: 3.65 });
    // 1,000,000 requests × 50 KB = 50 GB a month = 0.0685 GB an hour, more than 0.38 new connections
    // a second / 25: 50 LCU-h × $0.0084 = $0.42; WAF 1 million × $0.60 = $0.60
    expect(lineOf(e, 'a', 'Load balancer capacity units')).toMatchObject({ quantity: 50, monthly: 0.42 });
    expect(lineOf(e, 'a', 'WAF requests').monthly).toBe(0.6);
    // b's usage: 10 million requests: 500 LCU-h × $0.0084 = $4.20; WAF 10 × $0.60 = $6.00
    expect(lineOf(e, 'b', 'Load balancer capacity units')).toMatchObject({ quantity: 500, monthly: 4.2 });
    expect(lineOf(e, 'b', 'WAF requests').monthly).toBe(6);
    // a web service's 8 alarms: error rate 2 + latency 1 + unhealthy 1 + 2 anomaly × 3 + logs 2 + 1 + 1 = 14 metrics
    expect(lineOf(e, 'a', /^CloudWatch alarms \(8 alarms\)/)).toMatchObject({ quantity: 14, monthly: 1.4 });
  });

  it('compares the shards with one load balancer per web service', () => {
    const e = estimate({ 'estate.yaml': STAGING_ESTATE, 'services/a.yaml': webService('a'), 'services/b.yaml': webService('b'), 'services/c.yaml': backend('c') });
    // one load balancer a month: 730 × $0.02646 = $19.3158 → $19.32, and 2 zones' addresses 1,460 × $0.005 = $7.30: $26.62
    expect(e.comparisons.oneAlbPerService).toEqual([{ environment: 'staging', webServices: 2, shards: 1, sharded: 26.62, oneAlbPerService: 53.24, saving: 26.62 }]);
  });

  it('prices each egress mode, and the modes differ by exactly the network lines', () => {
    const files = (egress: string) => ({
      'estate.yaml': STAGING_ESTATE.replace('domain: staging.example.gov.uk', `domain: staging.example.gov.uk\n    egress: ${egress}`),
      // An image of the environment's own ECR: egress endpoints reaches nothing else.
      'services/api.yaml': backend('api').replace('public.ecr.aws/nginx/nginx:1.27', '222222222222.dkr.ecr.eu-west-2.amazonaws.com/api:1.27'),
    });
    const nat = estimate(files('nat'));
    // 6 GB a month (5 network + 1 of logs): nat: 2 gateways 1,460 h × $0.05 = $73.00, their addresses
    // 1,460 × $0.005 = $7.30, 6 GB × $0.05 = $0.30: $80.60; nat-single: $36.50 + $3.65 + $0.30 = $40.45;
    // endpoints: 11 endpoints × 2 zones × 730 h = 16,060 × $0.011 = $176.66, 6 GB × $0.01 = $0.06: $176.72
    expect(nat.comparisons.egress).toEqual([{ environment: 'staging', current: 'nat', gb: 6, monthly: { nat: 80.6, 'nat-single': 40.45, endpoints: 176.72 } }]);
    const network = /^(NAT gateway|VPC (interface )?endpoint)/;
    for (const mode of ['nat-single', 'endpoints'] as const) {
      const other = estimate(files(mode));
      expect(other.environments[0]!.services).toEqual(nat.environments[0]!.services);
      expect(other.environments[0]!.shared.filter((l) => !network.test(l.item))).toEqual(nat.environments[0]!.shared.filter((l) => !network.test(l.item)));
      const difference = other.environments[0]!.monthly - nat.environments[0]!.monthly;
      expect(difference).toBeCloseTo(nat.comparisons.egress[0]!.monthly[mode] - 80.6, 2);
    }
    expect(estimate(files('endpoints')).environments[0]!.shared.find((l) => network.test(l.item))?.item).toBe('VPC interface endpoints (11 × 2 zones)');
  });

  it('takes usage from estate.yaml, the estate defaults, the service file and its environment override', () => {
    const estate = MINIMAL_ESTATE.replace('alerts:', 'usage:\n  dnsQueriesPerMonth: 3000000\nalerts:') + 'defaults:\n  usage:\n    logGBPerMonth: 2\n';
    const e = estimate({
      'estate.yaml': estate,
      'services/api.yaml': backend('api', 'usage:\n  networkGBPerMonth: 10\nenvironments:\n  production:\n    usage:\n      logGBPerMonth: 20\n'),
      'services/other.yaml': backend('other'),
    });
    // estate: 3 million queries × $0.40 = $1.20 in each environment
    expect(sharedOf(e, 'Route 53 queries', 0)?.monthly).toBe(1.2);
    expect(sharedOf(e, 'Route 53 queries', 1)?.monthly).toBe(1.2);
    // defaults: 2 GB × $0.5985 = $1.197 → $1.20; production override for api: 20 × $0.5985 = $11.97
    expect(lineOf(e, 'other', 'CloudWatch Logs ingestion', 0).monthly).toBe(1.2);
    expect(lineOf(e, 'api', 'CloudWatch Logs ingestion', 0).monthly).toBe(1.2);
    expect(lineOf(e, 'api', 'CloudWatch Logs ingestion', 1).monthly).toBe(11.97);
    // staging egress GB: api 10 + 2, other 5 + 2 = 19 GB; production: api 10 + 20, other 5 + 2 = 37 GB
    expect(e.comparisons.egress.map((c) => c.gb)).toEqual([19, 37]);
    expect(e.usage.estate.dnsQueriesPerMonth).toBe(3_000_000);
    expect(e.usage.overrides.map((o) => `${o.service}@${o.environment}:${JSON.stringify(o.usage)}`)).toContain('api@production:{"logGBPerMonth":20,"networkGBPerMonth":10}');
  });

  it('prices a database by size, Multi-AZ where protected, with its backup', () => {
    const e = estimate({ 'estate.yaml': MINIMAL_ESTATE, 'services/api.yaml': backend('api', 'postgres: {size: medium}\n') });
    // staging: db.m7g.large 730 h × $0.194 = $141.62; 50 GB gp3 × $0.133 = $6.65
    expect(lineOf(e, 'api', 'RDS db.m7g.large', 0).monthly).toBe(141.62);
    expect(lineOf(e, 'api', 'RDS gp3 storage', 0)).toMatchObject({ quantity: 50, monthly: 6.65 });
    // production (protect): a standby: 1,460 h → $283.24, 100 GB-months → $13.30; backup 50 GB × $0.10 = $5.00
    expect(lineOf(e, 'api', 'RDS db.m7g.large Multi-AZ', 1).monthly).toBe(283.24);
    expect(lineOf(e, 'api', 'RDS gp3 storage (Multi-AZ)', 1).monthly).toBe(13.3);
    expect(lineOf(e, 'api', 'AWS Backup of the database', 1).monthly).toBe(5);
    // the master secret RDS keeps: $0.40
    expect(lineOf(e, 'api', 'Secrets Manager secrets', 0).monthly).toBe(0.4);
  });

  it('--env: one environment, without the delivery account', () => {
    const e = estimate({ 'estate.yaml': MINIMAL_ESTATE, 'services/api.yaml': backend('api') }, 'production');
    expect(e.environments.map((x) => x.name)).toEqual(['production']);
    expect(e.delivery).toBeNull();
    expect(e.total).toBe(e.environments[0]!.monthly);
  });

  it('refuses a region it has no prices for, naming the environment and the regions priced', () => {
    const estate = MINIMAL_ESTATE.replace('domain: example.gov.uk', 'domain: example.gov.uk\n    region: eu-west-1');
    expect(() => estimate({ 'estate.yaml': estate, 'services/api.yaml': backend('api') })).toThrow(/environment production is in eu-west-1, but the price table \(\d{4}-\d\d-\d\d\) holds eu-west-2 and us-east-1 only/);
  });

  it('adds up: every total is the sum of its parts, whatever the services and usage', () => {
    const spec = loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'services/a.yaml': webService('a'), 'services/b.yaml': backend('b', 'postgres: {serverless: {min: 0.5, max: 4}}\n') }));
    const base = spec.services.get('staging')!;
    const service = fc.record({
      kind: fc.constantFrom('web', 'backend', 'worker', 'job'),
      cpu: fc.constantFrom(256, 512, 1024),
      min: fc.integer({ min: 0, max: 10 }),
      extra: fc.integer({ min: 0, max: 10 }),
      requests: fc.integer({ min: 0, max: 1e9 }),
      logs: fc.double({ min: 0, max: 1000, noNaN: true }),
      bucket: fc.boolean(),
      cache: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(service, { minLength: 1, maxLength: 6 }), fc.constantFrom('nat', 'nat-single', 'endpoints'), (drawn, egress) => {
        const services: ServiceSpec[] = drawn.map((d, i) => ({
          ...base[i % base.length]!,
          name: `s${i}`,
          kind: d.kind as ServiceSpec['kind'],
          cpu: d.cpu,
          memory: d.cpu * 2,
          count: { min: d.min, max: d.min + d.extra },
          usage: { requestsPerMonth: d.requests, logGBPerMonth: d.logs },
          ...(d.bucket ? { bucket: { versioned: true } } : {}),
          ...(d.cache ? { cache: {} } : {}),
        }));
        const changed: EstateSpec = { ...spec, environments: spec.environments.map((e) => ({ ...e, egress: egress as 'nat' })), services: new Map(spec.environments.map((e) => [e.name, services])) };
        const { environments } = allocateEstate(changed, emptyLock());
        const e = estimateCost(changed, environments);
        const cents = (n: number) => Math.round(n * 100);
        for (const env of e.environments) {
          for (const s of env.services) {
            expect(cents(s.monthly)).toBe(s.lines.reduce((n, l) => n + cents(l.monthly), 0));
            expect(s.ceiling).toBeGreaterThanOrEqual(s.monthly);
          }
          expect(cents(env.monthly)).toBe([...env.services.map((s) => s.monthly), ...env.shared.map((l) => l.monthly)].reduce((n, m) => n + cents(m), 0));
        }
        expect(cents(e.total)).toBe([...e.environments.map((x) => x.monthly), e.delivery?.monthly ?? 0].reduce((n, m) => n + cents(m), 0));
      }),
      { numRuns: 40 },
    );
  });

  it("docs/manifest.md quotes logs.opensearch's monthly cost per environment as the estimate gives it in each region", () => {
    const row = readFileSync('docs/manifest.md', 'utf8').split('\n').find((l) => l.startsWith('| `logs.opensearch`'))!;
    const usd = (n: number) => `$${n.toFixed(2)}`;
    for (const region of ['us-east-1', 'eu-west-2']) {
      const e = estimate({ 'estate.yaml': `${MINIMAL_ESTATE.replaceAll('eu-west-2', region)}logs:\n  opensearch: true\n`, 'services/web.yaml': webService('web') });
      const [staging, production] = [0, 1].map((env) => sharedOf(e, /^OpenSearch Serverless/, env)!.monthly);
      expect(row, region).toContain(`${usd(staging!)} and ${usd(production!)} in ${region}`);
    }
  });
});
