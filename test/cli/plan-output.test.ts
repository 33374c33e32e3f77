import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { toJson } from '../../src/cli/plan';
import { renderPlan, SUMMARY_ABOVE } from '../../src/cli/plan-view';
import { readLock } from '../../src/estate/lock';
import { type PlanResult, planEstate } from '../../src/estate/plan';
import { environmentPrerequisites, type ExternalHostnamePrerequisite } from '../../src/estate/prerequisites';
import { loadEstate } from '../../src/manifest/load';
import { parameter, resourceName } from '../../src/naming/names';
import { copyExample, generatedEstateFiles, MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

const scratch = () => mkdtempSync(join(tmpdir(), 'cityplan-view-'));

/** The lines of one environment's block in the text: from its header to the blank line after it. */
function block(text: string, environment: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${environment}  account `));
  expect(start, `environment ${environment} in the text`).toBeGreaterThan(-1);
  const end = lines.indexOf('', start);
  return lines.slice(start, end);
}

// One plan of the example estate, shared: every test below renders or reads it.
let example: PlanResult;
beforeAll(async () => {
  example = await planEstate(copyExample(), { out: join(scratch(), 'assembly') });
});

describe('the delivery account in the plan of the example estate', () => {
  it("lists the delivery account's CDK bootstrap before you deploy, in text and JSON, as cityplan bootstrap prints it", () => {
    const command = 'cdk bootstrap aws://111111111111/eu-west-2 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess';
    expect(toJson(example).prerequisites).toEqual([expect.objectContaining({ kind: 'delivery-bootstrap', account: '111111111111', region: 'eu-west-2', command })]);
    const text = renderPlan(example).split('\n');
    const at = text.findIndex((l) => l.startsWith('delivery  '));
    expect(text.slice(at + 1, at + 3)).toEqual(['  before you deploy:', expect.stringContaining(command)]);
  });

  it('says approval comes from pipelines only when the estate has them, and counts a leaving pipeline as a removal', () => {
    expect(example.pipelines).toBe(true);
    expect(block(renderPlan({ ...example, pipelines: false }), 'production')[0]).toMatch(/approval yes \(cityplan deploy deploys it only with --env production\)$/);
    const pipelines = example.stacks.filter((s) => s.environment === 'delivery' && s.service);
    const leaving = pipelines[0]!;
    const removed = [{ environment: 'delivery', stack: leaving.name, service: leaving.service, step: 'remove' as const, deletes: ['pipeline'], keeps: [] }];
    const text = renderPlan({ ...example, changes: { ...example.changes, removed } });
    expect(text).toContain(`: ${pipelines.length - 1} service pipelines (image repository, build, scan, approvals where asked, deploy, verify), 1 removal, and what they share`);
  });
});

describe('the plan of the example estate', () => {
  it('shows each environment’s settings in its header line, and in JSON', () => {
    const text = renderPlan(example);
    expect(block(text, 'staging')[0]).toBe(
      'staging  account 222222222222, eu-west-2, *.staging.justice.example.gov.uk; protect no, zones 2, capacity spot, egress nat-single, approval no',
    );
    expect(block(text, 'production')[0]).toBe(
      'production  account 333333333333, eu-west-2, *.justice.example.gov.uk; protect yes, zones 3, capacity on-demand, egress nat, approval yes (pipelines ask before deploying here; cityplan deploy deploys it only with --env production)',
    );
    // An environment without NAT says what it cannot reach.
    const closed = { ...example, environments: example.environments.map((e) => (e.name === 'staging' ? { ...e, egress: 'endpoints' as const } : e)) };
    expect(block(renderPlan(closed), 'staging')[0]).toContain('egress endpoints (AWS APIs through VPC endpoints only: no internet, no Route 53 API), approval no');
    const json = toJson(example);
    expect(json.environments.map(({ name, protect, zones, capacity, egress, approval }) => ({ name, protect, zones, capacity, egress, approval }))).toEqual([
      { name: 'staging', protect: false, zones: 2, capacity: 'spot', egress: 'nat-single', approval: false },
      { name: 'production', protect: true, zones: 3, capacity: 'on-demand', egress: 'nat', approval: true },
    ]);
    // What runs there at run time: the responder's mode, Config's recorder, GuardDuty.
    expect(block(text, 'staging')[1]).toBe("  operations: responder acts; Config recorder the account's; GuardDuty the account's");
    expect(json.environments[0]!.operations).toEqual({ responderDryRun: false, configRecorder: false, guardduty: false });
    // Each kind's facts: what reaches it or starts its work, and its links to other services.
    const staging = block(renderPlan(example), 'staging');
    const row = (name: string) => staging.find((l) => l.trimStart().startsWith(`${name} `))!;
    expect(row('court-case-notifications')).toMatch(/queue ← apply-for-legal-aid\/application-granted; calls prisoner-search-api$/);
    expect(row('apply-for-legal-aid')).toMatch(/; publishes application-granted; keeps postgres medium$/);
    expect(row('send-money-to-prisoners')).toMatch(/; keeps bucket \(versioned\)$/);
    expect(row('prisoner-search-api')).toMatch(/http:\/\/prisoner-search-api:8080 \(called by book-a-prison-visit, court-case-notifications\)$/);
    // Every addon is built: no note passes one off as unbuilt.
    expect(renderPlan(example)).not.toContain('checked but not built yet');
  });

  it('shows each service’s size as its manifest resolves it per environment, aligned under the header', () => {
    const production = block(renderPlan(example), 'production');
    const header = production.find((l) => l.includes('SERVICE'))!;
    expect(header).toMatch(/SERVICE\s+KIND\s+SHARD\s+RULE\s+CPU\s+MEMORY\s+TASKS\s+RESOURCES\s+URL/);
    // book-a-prison-visit: cpu 512, memory 1024, and count 3–12 from its production override
    const visits = production.find((l) => l.trimStart().startsWith('book-a-prison-visit'))!;
    expect(visits).toMatch(/book-a-prison-visit\s+web\s+0\s+\d+\s+512\s+1024 MiB\s+3–12\s+\d+\s+https:/);
    for (const column of ['CPU', 'MEMORY', 'TASKS', 'RESOURCES']) {
      expect(visits[header.indexOf(column) - 1], `${column} aligned`).toBe(' ');
      expect(visits[header.indexOf(column)], `${column} aligned`).not.toBe(' ');
    }
    // A worker has no shard or rule, and its size like any other.
    expect(production.find((l) => l.trimStart().startsWith('court-case-notifications'))).toMatch(/worker\s+-\s+-\s+256\s+512 MiB\s+2–4\s+\d+/);
    // A job runs one task per run; its URL column says when, and for how long at most.
    expect(production.find((l) => l.trimStart().startsWith('money-reconciliation'))).toMatch(
      /job\s+-\s+-\s+512\s+1024 MiB\s+1 per run\s+\d+\s+cron\(0 2 \* \* \? \*\), stops after 60 min$/,
    );
    // Totals over the services that run all the time, not the job (2+3+2+2+2+3 to 6+12+4+6+6+10 tasks).
    expect(production).toContain('  tasks: 14–44 in all, 5.75–18.5 vCPU, 11.5–37 GiB memory');
    const job = toJson(example).environments[1]!.services.find((s) => s.name === 'money-reconciliation');
    expect(job).toMatchObject({ kind: 'job', urls: [], count: { min: 0, max: 1 }, schedule: 'cron(0 2 * * ? *)', timeout: 60 });

    const json = toJson(example).environments[1]!.services.find((s) => s.name === 'book-a-prison-visit');
    expect(json).toMatchObject({ cpu: 512, memory: 1024, count: { min: 3, max: 12 } });
  });

  it('lists what must exist before the deploy, per environment, with the names the stacks read', () => {
    const [staging, production] = toJson(example).environments;
    expect(staging!.prerequisites.map((p) => p.kind)).toEqual(['bootstrap', 'delegation', 'images', 'secrets']);
    // production imports its zone (zoneId): nothing to delegate
    expect(production!.prerequisites.map((p) => p.kind)).toEqual(['bootstrap', 'images', 'secrets']);

    const bootstrap = production!.prerequisites.find((p) => p.kind === 'bootstrap')!;
    expect(bootstrap).toMatchObject({
      account: '333333333333',
      region: 'eu-west-2',
      trust: '111111111111',
      command: 'cdk bootstrap aws://333333333333/eu-west-2 --trust 111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess',
    });

    const secrets = production!.prerequisites.find((p) => p.kind === 'secrets')!;
    expect(secrets).toMatchObject({ account: '333333333333', region: 'eu-west-2', count: 7 });
    expect(secrets.kind === 'secrets' && secrets.names).toContain('justice/production/book-a-prison-visit/SESSION_SECRET');
    expect(secrets.kind === 'secrets' && secrets.names).toContain(resourceName.secret('justice', 'production', 'apply-for-legal-aid', 'TRUE_LAYER_CLIENT_SECRET'));
    // The job's task reads its secret at each run.
    expect(secrets.kind === 'secrets' && secrets.names).toContain('justice/production/money-reconciliation/BANK_API_KEY');

    const images = production!.prerequisites.find((p) => p.kind === 'images')!;
    expect(images).toMatchObject({ account: '111111111111', pullAccount: '333333333333', tag: 'latest' });
    // find-a-court's extra name is inside the production zone: ACM validates it there, no one else acts.
    expect(production!.prerequisites.some((p) => p.kind === 'external-hostname')).toBe(false);

    const text = block(renderPlan(example), 'staging');
    const from = text.indexOf('  before you deploy:');
    expect(from).toBeGreaterThan(text.findIndex((l) => l.startsWith('  added:')));
    const section = text.slice(from + 1).join('\n');
    expect(section).toContain('cdk bootstrap aws://222222222222/eu-west-2 --trust 111111111111');
    expect(section).toContain('DNS: the foundation creates the zone staging.justice.example.gov.uk');
    expect(section).toContain(
      'secrets: 7 secrets to fill in, in Secrets Manager of account 222222222222, eu-west-2, named justice/staging/<service>/<NAME>: apply-for-legal-aid: SECRET_KEY_BASE, TRUE_LAYER_CLIENT_SECRET;',
    );
    // The value is typed, not written on the command line where the process list shows it.
    expect(section).toContain('(IFS= read -rs v && printf %s "$v" | aws secretsmanager put-secret-value --secret-id <name> --secret-string file:///dev/stdin)');
    expect(section).not.toMatch(/--secret-string (?!file:\/\/\/dev\/stdin)/);
  });

  it('drops bootstrap and delegation once the lock records a deploy that proves them', () => {
    const spec = loadEstate('examples/justice');
    const { lock } = readLock('examples/justice');
    const staging = spec.environments.find((e) => e.name === 'staging')!;
    const before = environmentPrerequisites(spec, staging, [], lock).map((p) => p.kind);
    expect(before).toEqual(['bootstrap', 'delegation']);
    const stacks = lock.environments.staging!.stacks;
    const deployed = {
      ...lock,
      environments: {
        ...lock.environments,
        staging: { ...lock.environments.staging!, stacks: { ...stacks, 'justice-staging-certificate': { ...stacks['justice-staging-certificate']!, deployed: true as const } } },
      },
    };
    expect(environmentPrerequisites(spec, staging, [], deployed)).toEqual([]);
    // A deploy in another account proves nothing about this one.
    const production = spec.environments.find((e) => e.name === 'production')!;
    expect(environmentPrerequisites(spec, production, [], deployed).map((p) => p.kind)).toEqual(['bootstrap']);
  });

  it('lists acknowledged findings with their reasons only with --findings, one line per rule and reason', () => {
    const plain = renderPlan(example);
    expect(plain).toContain(`${example.findings.acknowledged} acknowledged with reasons (--findings lists them)`);
    const reason = example.findings.acknowledgements[0]!.reason;
    expect(plain).not.toContain(reason);

    const text = renderPlan(example, { findings: true }).split('\n');
    const header = text.findIndex((l) => /^ {2}RULE\s+TIMES\s+STACKS\s+REASON$/.test(l));
    expect(header).toBeGreaterThan(-1);
    const rows = text.slice(header + 1, text.findIndex((l) => l.startsWith('assembly:')));
    const groups = new Map<string, { rule: string; reason: string; times: number; stacks: Set<string> }>();
    for (const a of example.findings.acknowledgements) {
      const g = groups.get(`${a.rule} ${a.reason}`) ?? { rule: a.rule, reason: a.reason, times: 0, stacks: new Set<string>() };
      g.times++;
      g.stacks.add(a.stack);
      groups.set(`${a.rule} ${a.reason}`, g);
    }
    expect(rows).toHaveLength(groups.size);
    expect(groups.size).toBeLessThan(example.findings.acknowledged);
    // Every rule and reason is one row, with how often it is acknowledged and in how many stacks
    // (a foundation acknowledges the route of each public subnet: more times than stacks).
    expect([...groups.values()].some((g) => g.times > g.stacks.size)).toBe(true);
    for (const g of groups.values()) {
      expect(rows, g.rule).toContainEqual(expect.stringMatching(new RegExp(`^ {2}${escape(g.rule)}\\s+×${g.times}\\s+${g.stacks.size}\\s+${escape(g.reason)}$`)));
    }
    // Each service stack acknowledges that its environment variables are configuration: one row for all.
    const ecs2 = example.findings.acknowledgements.filter((a) => a.rule === 'AwsSolutions-ECS2');
    const serviceStacks = example.stacks.filter((s) => s.service && s.environment !== 'delivery').length;
    expect(ecs2).toHaveLength(serviceStacks);
    expect(rows.filter((r) => r.includes('AwsSolutions-ECS2 '))).toEqual([
      expect.stringMatching(new RegExp(`^ {2}AwsSolutions-ECS2\\s+×${serviceStacks}\\s+${serviceStacks}\\s+${escape(ecs2[0]!.reason)}$`)),
    ]);
  });

  it('carries every acknowledgement in JSON with its stack, and keeps the contract’s counts', () => {
    const { findings, stacks } = toJson(example);
    expect(findings.unacknowledged).toBe(0);
    expect(findings.acknowledged).toBe(findings.acknowledgements.length);
    const names = new Set(stacks.map((s) => s.name));
    for (const a of findings.acknowledgements) {
      expect(a.reason.length).toBeGreaterThan(40);
      expect(names.has(a.stack)).toBe(true);
      expect(a.path.startsWith(`${a.stack}/`)).toBe(true);
    }
  });

  it('shows the example, 14 service rows, in detail; --summary gives the counts', () => {
    expect(renderPlan(example)).not.toContain('--detail lists each');
    const summary = renderPlan(example, { layout: 'summary' });
    const staging = block(summary, 'staging');
    const stagingStacks = example.stacks.filter((s) => s.environment === 'staging');
    const notes = new Map<string, number>();
    for (const s of example.environments[0]!.services) if (s.note) notes.set(s.note, (notes.get(s.note) ?? 0) + 1);
    expect(staging).toEqual(
      expect.arrayContaining([
        '  services: 7 (4 web, 1 worker, 1 job, 1 backend)',
        `  stacks: ${stagingStacks.length}, ${stagingStacks.reduce((n, s) => n + s.resources, 0)} resources`,
        `  changes: ${example.changes.added.filter((a) => a.environment === 'staging').length} added, 0 moved, 0 removed, 0 orderings`,
        // Notes are grouped by what they say, each with how many services it is about.
        ...[...notes].map(([note, n]) => `  note ×${n}: ${note}`),
      ]),
    );
    expect(staging.some((l) => l.includes('SERVICE'))).toBe(false);
    expect(summary.trimEnd().split('\n').at(-1)).toBe('(7 services in 2 environments: --detail lists each)');
  });
});

describe('names outside the environment’s zone', () => {
  // GIVEN staging services with a name in no zone of the estate, and one in production's zone
  const dir = writeEstate({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', 'environments:\n  staging:\n    hostnames: [visits.example.org]\n'),
    'services/courts.yaml': webService('courts', 'environments:\n  staging:\n    hostnames: [find.example.gov.uk]\n'),
  });
  const out = join(scratch(), 'assembly');
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planEstate(dir, { environment: 'staging', out });
  });

  it('asks for their DNS and validation records, in the zone that holds each', () => {
    const external = plan.environments[0]!.prerequisites.filter((p): p is ExternalHostnamePrerequisite => p.kind === 'external-hostname');
    expect(external).toEqual([
      expect.objectContaining({
        service: 'courts',
        hostname: 'find.example.gov.uk',
        stack: 'test-staging-courts',
        heldBy: { environment: 'production', domain: 'example.gov.uk', account: '333333333333', zoneId: 'Z0123456789ABCDEFGHIJ' },
        shard: 0,
        loadBalancerParameter: parameter.shard('test', 'staging', 0, 'dns-name'),
      }),
      expect.objectContaining({ service: 'visits', hostname: 'visits.example.org', stack: 'test-staging-visits', shard: 0 }),
    ]);
    expect(external[1]!.heldBy).toBeUndefined();
    expect(external[0]!.message).toContain('in the zone example.gov.uk of environment production (account 333333333333, hosted zone Z0123456789ABCDEFGHIJ)');

    const text = block(renderPlan(plan), 'staging').join('\n');
    expect(text).toContain('DNS for 2 names outside the zone staging.example.gov.uk: in the zone that holds each, add the ACM validation CNAME');
    expect(text).toMatch(/find\.example\.gov\.uk\s+courts\s+example\.gov\.uk \(production, account 333333333333\)\s+\/cityplan\/test\/staging\/ingress\/0\/dns-name/);
    expect(text).toMatch(/visits\.example\.org\s+visits\s+not in this estate\s+\/cityplan\/test\/staging\/ingress\/0\/dns-name/);
  });

  it('matches what the stack does: a certificate for the name, validated outside the zone, and no record for it', () => {
    const template = JSON.parse(readFileSync(join(out, 'test-staging-visits.template.json'), 'utf8'));
    const resources = Object.values(template.Resources) as Array<{ Type: string; Properties: Record<string, unknown> }>;
    const certificate = resources.find((r) => r.Type === 'AWS::CertificateManager::Certificate')!;
    expect(certificate.Properties.DomainName).toBe('visits.example.org');
    const validation = (certificate.Properties.DomainValidationOptions ?? []) as Array<{ DomainName: string; HostedZoneId?: unknown }>;
    expect(validation.some((v) => v.DomainName === 'visits.example.org' && v.HostedZoneId)).toBe(false);
    expect(resources.filter((r) => r.Type === 'AWS::Route53::RecordSet').map((r) => r.Properties.Name)).not.toContain('visits.example.org.');
  });
});

describe('a plan above the summary threshold', () => {
  // GIVEN one more service than the threshold, in one environment
  const dir = writeEstate(generatedEstateFiles(SUMMARY_ABOVE + 1, 1));
  const out = join(scratch(), 'assembly');
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await planEstate(dir, { out });
    rmSync(join(out, '..'), { recursive: true, force: true });
  });

  it('prints counts per environment instead of a row per service, and says how to see each', () => {
    const text = renderPlan(plan);
    const staging = block(text, 'staging');
    expect(staging).toEqual(
      expect.arrayContaining([
        `  services: ${SUMMARY_ABOVE + 1} (${SUMMARY_ABOVE + 1} web)`,
        `  changes: ${SUMMARY_ABOVE + 1} added, 0 moved, 0 removed, 0 orderings`,
        '  before you deploy:',
      ]),
    );
    expect(staging.some((l) => /^ {2}stacks: 44, \d+ resources$/.test(l))).toBe(true);
    expect(text).not.toContain('added: service-0000');
    expect(text).not.toMatch(/SERVICE\s+KIND/);
    // Secrets of 14 services are counted, not listed; --json has each name.
    expect(text).toContain('secrets: 28 secrets to fill in, in Secrets Manager of account 222222222222, eu-west-2, named test/staging/<service>/<NAME>: for 14 services (plan --json lists every name)');
    expect(text.trimEnd().split('\n').at(-1)).toBe(`(${SUMMARY_ABOVE + 1} services: --detail lists each)`);
  });

  it('gives every row with --detail, and the threshold itself still in detail', () => {
    const detail = renderPlan(plan, { layout: 'detail' });
    expect(detail.split('\n').filter((l) => /^ {2}service-\d{4}\s+web\s/.test(l))).toHaveLength(SUMMARY_ABOVE + 1);
    expect(detail).not.toContain('--detail lists each');
    const env = plan.environments[0]!;
    const atThreshold = { ...plan, environments: [{ ...env, services: env.services.slice(0, SUMMARY_ABOVE) }] };
    expect(renderPlan(atThreshold)).toMatch(/SERVICE\s+KIND/);
  });

  it('refuses --summary with --detail as a usage error', async () => {
    expect((await cityplan('plan', dir, '--summary', '--detail')).code).toBe(2);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
