/**
 * `cityplan rollback`: puts a service in one environment back on the last image its pipeline
 * recorded as deployed successfully there (deploy/last-image.ts), by deploying the service's stack
 * as the plan has it with ImageTag set to that image. Nothing else changes.
 */
import { type IIoHost, StackParameters, StackSelectionStrategy, Toolkit } from '@aws-cdk/toolkit-lib';
import { environmentNamed, planEstate } from '../estate/plan';
import { prepareEstate } from '../estate/prepare';
import { UsageError } from '../manifest/problems';
import { parameter, stackName } from '../naming/names';
import { describeCredentialTrouble, explainCredentialFailure, sdkCredentialTrouble } from './credentials';
import { type Caller, whoAmI } from './caller';
import { DeployRecorder } from './io-host';
import { type LastImageReader, ssmLastImage } from './last-image';

export interface RollbackOptions {
  readonly service: string;
  readonly environment: string;
  readonly out?: string;
}

export interface RollbackDependencies {
  readonly toolkit?: (ioHost: IIoHost) => Pick<Toolkit, 'fromAssemblyDirectory' | 'deploy'>;
  readonly lastImage?: LastImageReader;
  readonly say: (text: string) => void;
  /** Who this shell's credentials are (STS); default: whoAmI. */
  readonly caller?: (region: string) => Promise<Caller>;
}

/** @returns why it stopped, or the image the service now runs */
export async function rollbackService(dir: string, options: RollbackOptions, deps: RollbackDependencies): Promise<{ stopped?: string; image?: string }> {
  const selection = { environment: options.environment, service: options.service };
  const { spec } = prepareEstate(dir, selection);
  const env = environmentNamed(spec, options.environment);
  const service = spec.services.get(env.name)?.find((s) => s.name === options.service);
  if (!service) throw new UsageError(`no service '${options.service}' in environment ${env.name} of ${spec.name}`);
  if (service.image) throw new UsageError(`${service.name} runs the image its manifest names (${service.image}): roll back by changing image: in services/${service.name}.yaml`);
  // Credentials first, as diff does: fake or unreachable ones are one clear line, not an SSM error.
  const caller = await (deps.caller ?? whoAmI)(spec.region);
  if ('trouble' in caller) return { stopped: describeCredentialTrouble(caller.trouble, 'cityplan rollback') };
  const name = parameter.lastImage(spec.name, service.name, env.name);
  let image: string | undefined;
  try {
    image = await (deps.lastImage ?? ssmLastImage(spec.region))(name);
  } catch (e) {
    const trouble = sdkCredentialTrouble(e as Error);
    if (trouble) return { stopped: describeCredentialTrouble(trouble, 'cityplan rollback') };
    return { stopped: `cannot read ${name} in the delivery account ${spec.delivery.account}: ${(e as Error).message}` };
  }
  if (!image) return { stopped: `no image of ${service.name} has deployed successfully in ${env.name} (nothing recorded at ${name} in the delivery account ${spec.delivery.account}): there is nothing to roll back to` };

  const plan = await planEstate(dir, { ...selection, out: options.out ?? 'cdk.out' });
  const stack = stackName.service(spec.name, env.name, service.name);
  const recorder = new DeployRecorder(new Set());
  const toolkit = (deps.toolkit ?? ((ioHost) => new Toolkit({ ioHost })))(recorder);
  deps.say(`${stack}: back to image ${image}, the last that deployed successfully in ${env.name}`);
  try {
    const assembly = await toolkit.fromAssemblyDirectory(plan.assembly);
    await toolkit.deploy(assembly, {
      stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: [stack] },
      parameters: StackParameters.withExisting({ ImageTag: image }),
    });
  } catch (e) {
    const error = e as Error;
    return { stopped: `rollback failed: ${explainCredentialFailure(error, recorder.credentials)?.replace(/cityplan deploy/g, 'cityplan rollback') ?? error.message}` };
  }
  return { image };
}
