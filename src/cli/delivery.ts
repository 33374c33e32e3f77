/** `cityplan bootstrap`, `rollback` and `diff`: thin over deploy/. */
import { refuseEstateOwnFile } from '../files/estate-paths';
import { Toolkit } from '@aws-cdk/toolkit-lib';
import { whoAmI } from '../deploy/caller';
import { bootstrapCommand, bootstrapTargets, runBootstrap } from '../deploy/bootstrap';
import { describeCredentialTrouble } from '../deploy/credentials';
import { diffEstate } from '../deploy/diff';
import { DeployRecorder } from '../deploy/io-host';
import { rollbackService } from '../deploy/rollback';
import { quietSdkNodeVersionNotice } from '../deploy/sdk-warnings';
import { loadEstate } from '../manifest/load';
import type { Output } from './output';

/** Prints the `cdk bootstrap` each account needs; with --run, runs those of the account whose credentials this shell has. */
export async function bootstrapCommandLine(dir: string, flags: { readonly run?: boolean }, io: Output): Promise<number> {
  quietSdkNodeVersionNotice();
  const spec = loadEstate(dir);
  const targets = bootstrapTargets(spec);
  for (const t of targets) io.out(`${t.for.join(', ')}: ${bootstrapCommand(t)}`);
  if (!flags.run) return 0;
  const caller = await whoAmI(spec.region);
  if ('trouble' in caller) {
    io.err(`cityplan: ${describeCredentialTrouble(caller.trouble, 'cityplan bootstrap --run')}`);
    return 1;
  }
  const { done, left } = await runBootstrap(targets, caller.account, new Toolkit({ ioHost: new DeployRecorder(new Set()) }));
  for (const t of done) io.out(`bootstrapped aws://${t.account}/${t.region}`);
  for (const t of left) io.out(`not this shell's account (${caller.account}): run the command for aws://${t.account}/${t.region} with credentials of ${t.account}`);
  return 0;
}

export async function rollbackCommand(dir: string, flags: { readonly service: string; readonly env: string; readonly out: string }, io: Output): Promise<number> {
  refuseEstateOwnFile(dir, flags.out, '--out', 'cdk.out');
  quietSdkNodeVersionNotice();
  const result = await rollbackService(dir, { service: flags.service, environment: flags.env, out: flags.out }, { say: (t) => io.out(t) });
  if (result.stopped) {
    io.err(`cityplan: ${result.stopped}`);
    return 1;
  }
  io.out(`${flags.service} runs image ${result.image} in ${flags.env}`);
  return 0;
}

export async function diffCommand(dir: string, flags: { readonly env?: string; readonly service?: string; readonly out: string }, io: Output): Promise<number> {
  refuseEstateOwnFile(dir, flags.out, '--out', 'cdk.out');
  quietSdkNodeVersionNotice();
  const result = await diffEstate(dir, { environment: flags.env, service: flags.service, out: flags.out });
  if (result.stopped) {
    io.err(`cityplan: ${result.stopped}`);
    return 1;
  }
  io.out(`compared ${result.stacks} stacks with what is deployed`);
  return 0;
}
