import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { jsonSchemas } from '../manifest/schema';
import { UsageError } from '../manifest/problems';
import type { Output } from './output';

const ESTATE = `# yaml-language-server: $schema=.schema/estate.schema.json
# Your estate: its environments, where pipelines live, who is alerted, and service defaults.
# Replace the placeholder account ids, domains and connection ARN with your own.
name: my-estate
owner: platform-team@example.gov.uk
region: eu-west-2
delivery:
  account: "111111111111"
  connectionArn: arn:aws:codeconnections:eu-west-2:111111111111:connection/00000000-0000-0000-0000-000000000000
alerts:
  email:
    - platform-alerts@example.gov.uk
environments:
  staging:
    account: "222222222222"
    domain: staging.my-estate.example.gov.uk
  production:
    account: "333333333333"
    domain: my-estate.example.gov.uk
    zones: 3
    approval: true
    protect: true
defaults:
  count:
    min: 2
    max: 4
`;

const SERVICE = `# yaml-language-server: $schema=../.schema/service.schema.json
# One service. It will answer at https://hello-world.<environment domain>.
name: hello-world
kind: web
owner: hello-team@example.gov.uk
source:
  repo: your-org/hello-world
  test: npm test
port: 8080
health: /health
`;

/** Writes a starter estate into `dir`, all or nothing. */
export function initCommand(dir: string, io: Output): number {
  const target = resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new UsageError(`${dir} is not empty; init writes a new estate into an empty or new folder`);
  }
  const staging = join(dirname(target), `.${Date.now()}-${process.pid}.cityplan-init`);
  try {
    mkdirSync(join(staging, 'services'), { recursive: true });
    writeFileSync(join(staging, 'estate.yaml'), ESTATE);
    writeFileSync(join(staging, 'services', 'hello-world.yaml'), SERVICE);
    // Editors with the YAML language server complete and check fields from these.
    mkdirSync(join(staging, '.schema'));
    for (const [which, schema] of Object.entries(jsonSchemas())) {
      writeFileSync(join(staging, '.schema', `${which}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  io.out(`wrote a starter estate to ${dir}: estate.yaml and services/hello-world.yaml\nnext: edit them, then run cityplan plan ${dir}`);
  return 0;
}
