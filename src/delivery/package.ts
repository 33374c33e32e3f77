/**
 * `cityplan package`: the template(s) a service's pipeline deploys to one environment, written by
 * the same compile as a plan's (so a pipeline deploy and an estate deploy put the same template on
 * the stack), with a CloudFormation template configuration file that sets the image tag.
 *
 * Nothing is written to the lock: the pipeline packages the estate as it was committed. A service
 * the lock has not placed yet (never planned) is refused, as its template would not be the plan's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileEstate } from '../estate/compile';
import { environmentNamed } from '../estate/plan';
import { prepareEstate } from '../estate/prepare';
import { planStacks } from '../estate/stack-plan';
import { explainFileErrors } from '../files/file-error';
import { makeDirs } from '../files/make-dirs';
import { LOCK_FILE } from '../estate/lock';
import { EstateError, UsageError } from '../manifest/problems';
import { packagedTemplateFile, templateConfigurationFile } from './packaged';

export interface PackageOptions {
  readonly service: string;
  readonly environment: string;
  /** The image tag the service runs (the commit built); unused by an `image:` service. */
  readonly imageTag: string;
  readonly out: string;
}

export interface PackagedStack {
  readonly stack: string;
  readonly template: string;
  readonly configuration: string;
}

export function packageService(dir: string, options: PackageOptions): PackagedStack[] {
  const selection = { environment: options.environment, service: options.service };
  const prepared = prepareEstate(dir, selection);
  const { spec, previous, allocated, allocation } = prepared;
  const env = environmentNamed(spec, options.environment);
  const service = spec.services.get(env.name)?.find((s) => s.name === options.service);
  if (!service) throw new UsageError(`no service '${options.service}' in environment ${env.name} of ${spec.name}`);
  const before = JSON.stringify(previous.environments[env.name]?.services[service.name] ?? null);
  if (before !== JSON.stringify(allocated.environments[env.name]?.services[service.name] ?? null)) {
    // The estate's state, not the command line, is what is wrong: exit 1, saying what to do.
    throw new EstateError([
      { file: LOCK_FILE, message: `${service.name} is not placed in ${env.name} by the lock as committed, so its template would not be the plan's: plan first (cityplan plan ${dir}), commit ${dir}/${LOCK_FILE}, then package` },
    ]);
  }
  if (!service.image && !/^[A-Za-z0-9_.-]{1,128}$/.test(options.imageTag)) {
    throw new UsageError(`--image-tag must be an image tag (letters, digits, '.', '_', '-'; at most 128), such as the commit built; got '${options.imageTag}'`);
  }
  // ECR tags are immutable here and the pipeline tags each image with its commit: 'latest' would
  // name one image for ever, never the one built (and is the placeholder of a stack with no image).
  if (!service.image && options.imageTag === 'latest') {
    throw new UsageError("--image-tag latest is not an image the pipeline builds: its repository's tags are immutable and each image is tagged with its commit; give that commit, such as --image-tag 3f2a9c1");
  }
  const plans = planStacks(spec, allocation, selection, previous).filter((p) => p.role === 'service');
  const outdir = mkdtempSync(join(tmpdir(), 'cityplan-package-'));
  try {
    const { app } = compileEstate(spec, allocation, { outdir, stacks: plans, previous });
    const assembly = app.synth();
    const written = plans.map((plan) => {
      const artifact = assembly.getStackByName(plan.name);
      const text = readFileSync(join(assembly.directory, artifact.templateFile), 'utf8');
      const parameters = (JSON.parse(text) as { Parameters?: Record<string, unknown> }).Parameters ?? {};
      const configuration = JSON.stringify({ Parameters: 'ImageTag' in parameters ? { ImageTag: options.imageTag } : {} }, null, 2);
      const template = join(options.out, packagedTemplateFile(plan.name));
      const config = join(options.out, templateConfigurationFile(plan.name));
      return { stack: plan.name, template, configuration: config, text, configText: `${configuration}\n` };
    });
    // Written only once every template is made: a failure above leaves --out as it was.
    explainFileErrors(options.out, `write the packaged templates to ${options.out}`, 'choose another --out folder', () => {
      makeDirs(options.out);
      for (const w of written) {
        writeFileSync(w.template, w.text);
        writeFileSync(w.configuration, w.configText);
      }
    });
    return written.map(({ stack, template, configuration }) => ({ stack, template, configuration }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
