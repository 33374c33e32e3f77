import { StackParameters, StackSelectionStrategy, Toolkit } from '@aws-cdk/toolkit-lib';
import { planEstate } from '../estate/plan';
import type { Output } from './main';
import { renderPlan } from './plan';

export interface DeployFlags {
  readonly env?: string;
  readonly service?: string;
  readonly out: string;
}

/**
 * Plans (every check must pass), then deploys the planned assembly with the credentials of this
 * shell. Service stacks keep their previous ImageTag parameter, so an estate deploy never rolls a
 * service back to an older image.
 */
export async function deployCommand(dir: string, flags: DeployFlags, io: Output): Promise<number> {
  const plan = await planEstate(dir, { environment: flags.env, service: flags.service, out: flags.out });
  io.out(renderPlan(plan));
  const toolkit = new Toolkit();
  const assembly = await toolkit.fromAssemblyDirectory(plan.assembly);
  try {
    await toolkit.deploy(assembly, {
      stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: plan.stacks.map((s) => s.name) },
      // Keep every parameter's deployed value, ImageTag above all: the pipeline owns it.
      parameters: StackParameters.onlyExisting(),
    });
  } catch (e) {
    io.err(`cityplan: deploy failed: ${(e as Error).message}`);
    return 1;
  }
  io.out(`deployed ${plan.stacks.length} stacks`);
  return 0;
}
