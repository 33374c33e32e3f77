import { refuseEstateOwnFile } from '../files/estate-paths';
import { deployEstate } from '../deploy/deploy';
import { quietSdkNodeVersionNotice } from '../deploy/sdk-warnings';
import type { Output } from './output';
import { planView, type ViewFlags } from './plan';
import { renderPlan } from './plan-view';

export interface DeployFlags extends ViewFlags {
  readonly env?: string;
  readonly service?: string;
  readonly out: string;
  readonly allowRemoval?: boolean;
  readonly delegationWait?: number;
  readonly concurrency?: number;
}

/**
 * Plans (every check must pass), then deploys the planned assembly with the credentials of this
 * shell: see deploy/deploy.ts for the steps. Exit 1 when the deploy stops short. The AWS SDK's
 * notice about future Node.js versions is not shown (see deploy/sdk-warnings.ts).
 */
export async function deployCommand(dir: string, flags: DeployFlags, io: Output): Promise<number> {
  refuseEstateOwnFile(dir, flags.out, '--out', 'cdk.out');
  quietSdkNodeVersionNotice();
  const result = await deployEstate(
    dir,
    {
      environment: flags.env,
      service: flags.service,
      out: flags.out,
      allowRemoval: flags.allowRemoval,
      delegationWait: flags.delegationWait,
      concurrency: flags.concurrency,
    },
    { say: (text) => io.out(text), planned: (plan) => io.out(renderPlan(plan, planView(flags))) },
  );
  if (result.stopped) {
    io.err(`cityplan: ${result.stopped}`);
    return 1;
  }
  io.out(`deployed ${result.deployed} stacks${result.removed ? `, deleted ${result.removed}` : ''}`);
  return 0;
}
