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
      : MINIMAL_ESTATE.replace(/\n  production:[\s\S]*$/, '\n');
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
