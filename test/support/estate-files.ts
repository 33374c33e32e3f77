import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes an estate folder from a map of relative path → file text; returns its path. */
export function writeEstate(files: Readonly<Record<string, string>>, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, 'cityplan-estate-'));
  // Every estate has its services folder, even with no services in it yet.
  mkdirSync(join(dir, 'services'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A copy of the example estate in a fresh folder (tests may change or plan it freely). */
export function copyExample(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cityplan-example-')), 'justice');
  cpSync('examples/justice', dir, { recursive: true });
  return dir;
}

export const MINIMAL_ESTATE = `name: test
owner: platform@example.gov.uk
region: eu-west-2
delivery:
  account: "111111111111"
  connectionArn: arn:aws:codeconnections:eu-west-2:111111111111:connection/0f6c7e4b-3a1d-4c55-9a51-4c1e6e2b9f10
alerts:
  email: [alerts@example.gov.uk]
environments:
  staging:
    account: "222222222222"
    domain: staging.example.gov.uk
  production:
    account: "333333333333"
    domain: example.gov.uk
    zoneId: Z0123456789ABCDEFGHIJ
    zones: 3
    protect: true
`;

/** MINIMAL_ESTATE with its staging environment only: each problem and stack once. */
export const STAGING_ESTATE = MINIMAL_ESTATE.replace(/\n {2}production:[\s\S]*$/, '\n');

export const webService = (name: string, extra = '') => `name: ${name}
kind: web
owner: team@example.gov.uk
source:
  repo: example/${name}
${extra}`;

/**
 * An estate of `count` web services, in the shape a real department's would have: a few with
 * secrets, extra hostnames and per-environment overrides.
 */
export function generatedEstateFiles(count: number, environments: 1 | 2 = 2): Record<string, string> {
  const estate =
    environments === 2
      ? MINIMAL_ESTATE
      : STAGING_ESTATE;
  const files: Record<string, string> = { 'estate.yaml': estate };
  for (let i = 0; i < count; i++) {
    const name = `service-${String(i).padStart(4, '0')}`;
    const extras = [
      i % 3 === 0 ? 'secrets: [SESSION_SECRET, API_KEY]' : '',
      i % 7 === 0 ? 'cpu: 512\nmemory: 1024' : '',
      // An extra hostname in the last environment; a name belongs to one environment only.
      i % 10 === 0 ? `environments:\n  ${environments === 2 ? 'production' : 'staging'}:\n    hostnames: [${name}.services.example.gov.uk]` : '',
      i % 5 === 0 && i % 10 !== 0 && environments === 2 ? 'environments:\n  production:\n    count:\n      min: 3\n      max: 9' : '',
    ]
      .filter(Boolean)
      .join('\n');
    files[`services/${name}.yaml`] = webService(name, extras ? `${extras}\n` : '');
  }
  return files;
}

/**
 * An estate of `count` services of every kind, in proportions a department's might have: per ten,
 * five web services (one publishing a topic, one calling a backend, one deployed canary, one with a
 * bucket and a cache), two backends (each with a database: an instance, a serverless cluster), two
 * workers (one taking the topic into its queue, one FIFO) and one nightly job.
 */
export function mixedEstateFiles(count: number, environments: 1 | 2 = 2): Record<string, string> {
  const files = generatedEstateFiles(0, environments);
  for (let i = 0; i < count; i++) {
    const group = Math.floor(i / 10) * 10;
    const name = (n: number) => `service-${String(n).padStart(4, '0')}`;
    const own = name(i);
    const text = [
      `name: ${own}`,
      'owner: team@example.gov.uk',
      `image: public.ecr.aws/docker/library/alpine:3.20`,
      ...{
        0: ['kind: web', 'publish: [case-updated]'],
        1: ['kind: web', `calls: [${name(group + 5)}]`],
        2: ['kind: web', 'deploy:\n  strategy: canary\n  bake: 10'],
        3: ['kind: web', 'bucket:\n  versioned: true', 'cache: {}'],
        4: ['kind: web', 'secrets: [SESSION_SECRET]'],
        5: ['kind: backend', 'port: 8080', 'postgres:\n  size: small'],
        6: ['kind: backend', `calls: [${name(group + 5)}]`, 'postgres:\n  serverless:\n    min: 0.5\n    max: 4'],
        7: ['kind: worker', `subscribe:\n  - service: ${name(group)}\n    topic: case-updated\n    filter:\n      kind: [urgent]`],
        8: ['kind: worker', 'queue:\n  fifo: true\n  maxReceives: 3'],
        9: ['kind: job', 'schedule: cron(0 2 * * ? *)', 'timeout: 90'],
      }[i % 10]!,
    ];
    // The links of a group of ten point inside it: a last group cut short drops what it lacks.
    const missing = (n: number) => n >= count;
    const lines = text.filter((l) => !(l.startsWith('calls') && missing(group + 5)) && !(l.startsWith('subscribe') && missing(group)));
    files[`services/${own}.yaml`] = `${lines.join('\n')}\n`;
  }
  return files;
}

/**
 * An estate of `count` web services spread over two business areas, each with its own staging and
 * production environments in accounts of their own (`runsIn`): the shape of an estate too big for
 * one account's default quotas (2,000 stacks and 2,500 security groups per account and region).
 * Services alternate between the areas; each has the same extras as generatedEstateFiles.
 */
export function areaEstateFiles(count: number): Record<string, string> {
  const areas = ['courts', 'prisons'];
  const environments = areas.flatMap((area, a) => [
    `  ${area}-stg:\n    account: "${String(444444444444 + 2 * a * 111111111111)}"\n    domain: ${area}.staging.example.gov.uk`,
    `  ${area}-prod:\n    account: "${String(555555555555 + 2 * a * 111111111111)}"\n    domain: ${area}.example.gov.uk\n    zones: 3\n    protect: true`,
  ]);
  const estate = MINIMAL_ESTATE.replace(/\nenvironments:[\s\S]*$/, `\nenvironments:\n${environments.join('\n')}\n`);
  const files: Record<string, string> = { 'estate.yaml': estate };
  for (let i = 0; i < count; i++) {
    const name = `service-${String(i).padStart(4, '0')}`;
    const area = areas[i % areas.length]!;
    const extras = [
      `runsIn: [${area}-stg, ${area}-prod]`,
      i % 3 === 0 ? 'secrets: [SESSION_SECRET, API_KEY]' : '',
      i % 7 === 0 ? 'cpu: 512\nmemory: 1024' : '',
      i % 5 === 0 ? `environments:\n  ${area}-prod:\n    count:\n      min: 3\n      max: 9` : '',
    ].filter(Boolean);
    files[`services/${name}.yaml`] = webService(name, `${extras.join('\n')}\n`);
  }
  return files;
}
