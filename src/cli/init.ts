import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError, explainFileErrors } from '../files/file-error';
import { onInterrupt } from '../files/interrupt';
import { removeLeftovers } from '../files/leftovers';
import { makeDirs } from '../files/make-dirs';
import { removeIfPresent } from '../files/remove';
import { jsonSchemas } from '../manifest/schema';
import { UsageError } from '../manifest/problems';
import { DEFAULT_ESTATE_NAME, estateNameFrom } from './estate-name';
import type { Output } from './output';

const estateYaml = (name: string) => `# yaml-language-server: $schema=.schema/estate.schema.json
# Your estate: its environments, where pipelines live, who is alerted, and service defaults.
# Replace the placeholder account ids, domains and connection ARN with your own.
name: ${name}
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
    domain: staging.${name}.example.gov.uk
  production:
    account: "333333333333"
    domain: ${name}.example.gov.uk
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

/** The .gitignore of a new estate folder (init and import copilot write it). */
export const GITIGNORE = `# Written by cityplan beside the manifests, and not part of the estate: the cloud assembly of
# \`cityplan plan\` run in this folder (--out, default cdk.out), and what an interrupted plan
# can leave behind (the next plan removes it). Do commit cityplan.lock.json.
cdk.out/
cdk.out.partial-*/
.cityplan-*
`;

/** A starting folder of one process: `.cityplan-init-<pid>`, beside the new estate folder or inside an existing one. */
const STAGING_PATTERN = /^\.cityplan-init-(\d+)$/;

/** What init writes; a folder holding any of these (but estate.yml, a misnamed estate) is in use. */
const WRITTEN = ['estate.yaml', 'services', '.schema'] as const;

/**
 * Writes a starter estate into `dir`, all or nothing: estate.yaml (named after the folder, see
 * estateNameFrom; `my-estate` when its name makes none), one web service
 * (services/hello-world.yaml), .gitignore, and the JSON Schemas editors check the files with.
 *
 * `dir` may be new, or an existing folder (a fresh git clone, the current folder) that holds none of
 * what init writes: the folder itself is kept (its permissions, its .git, the shell standing in
 * it), the estate is staged inside it and moved into place. An existing .gitignore gets cityplan's
 * lines appended.
 *
 * @throws UsageError when `dir` already holds an estate or a services folder
 * @throws FileError when `dir` is a file, or cannot be created (read-only, a file on the path, a
 *   file system such as /proc that takes no folders)
 */
export function initCommand(dir: string, io: Output): number {
  if (dir.trim() === '') throw new UsageError('give the folder to write the estate into, such as cityplan init my-estate');
  const target = resolve(dir);
  const exists = existsSync(target);
  if (exists) {
    if (!statSync(target).isDirectory()) {
      throw new FileError(target, `cannot create the estate folder ${dir}: a file of that name is there; choose a new folder name`);
    }
    const inUse = [...WRITTEN, 'estate.yml'].filter((f) => existsSync(join(target, f)));
    if (inUse.length > 0) throw new UsageError(`${dir} already holds ${inUse.join(' and ')}; init writes a new estate into a new folder, or one without these`);
  }
  const derived = estateNameFrom(basename(target));
  const name = derived ?? DEFAULT_ESTATE_NAME;
  // Staged beside a new folder (renamed into place whole), or inside an existing one (its entries moved in).
  const home = exists ? target : dirname(target);
  const staging = join(home, `.cityplan-init-${process.pid}`);
  const release = onInterrupt(() => removeIfPresent(staging));
  try {
    explainFileErrors(target, exists ? `write the estate into ${dir}` : `create the estate folder ${dir}`, 'choose a folder you can write to, such as one under your home folder', () => {
      makeDirs(home);
      removeLeftovers(home, STAGING_PATTERN);
      removeIfPresent(staging);
      // Each folder made alone: see makeDirs for why never recursively.
      mkdirSync(staging);
      mkdirSync(join(staging, 'services'));
      writeFileSync(join(staging, 'estate.yaml'), estateYaml(name));
      writeFileSync(join(staging, 'services', 'hello-world.yaml'), SERVICE);
      // Editors with the YAML language server complete and check fields from these.
      mkdirSync(join(staging, '.schema'));
      for (const [which, schema] of Object.entries(jsonSchemas())) {
        writeFileSync(join(staging, '.schema', `${which}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
      }
      if (!exists) {
        writeFileSync(join(staging, '.gitignore'), GITIGNORE);
        renameSync(staging, target);
        return;
      }
      for (const entry of WRITTEN) renameSync(join(staging, entry), join(target, entry));
      const ignore = join(target, '.gitignore');
      if (!existsSync(ignore)) writeFileSync(ignore, GITIGNORE);
      else if (!readFileSync(ignore, 'utf8').includes('cdk.out/')) appendFileSync(ignore, `\n${GITIGNORE}`);
    });
  } finally {
    release();
    removeIfPresent(staging);
  }
  io.out(
    [
      `wrote estate ${name} to ${dir}: estate.yaml, services/hello-world.yaml and .gitignore`,
      ...(derived ? [] : [`(the folder's name makes no estate name: a letter first, then lower-case letters, digits and hyphens; change name: in estate.yaml before the first plan)`]),
      `next: replace the placeholder accounts, domains and connection ARN in estate.yaml, then run cityplan plan ${dir}`,
    ].join('\n'),
  );
  return 0;
}
