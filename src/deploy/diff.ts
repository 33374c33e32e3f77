/**
 * `cityplan diff`: the plan against what is deployed, stack by stack, as @aws-cdk/toolkit-lib
 * shows it (its I/O host prints the differences). The credentials of this shell are checked first
 * (STS), so that a diff against nothing is never taken for a diff against AWS.
 */
import { type IIoHost, NonInteractiveIoHost, StackSelectionStrategy, Toolkit } from '@aws-cdk/toolkit-lib';
import { checkSelection, planEstate } from '../estate/plan';
import type { StackSelection } from '../estate/stack-plan';
import { prepareEstate } from '../estate/prepare';
import { type Caller, whoAmI } from './caller';
import { describeCredentialTrouble } from './credentials';

export interface DiffDependencies {
  readonly toolkit?: (ioHost: IIoHost) => Pick<Toolkit, 'fromAssemblyDirectory' | 'diff'>;
  readonly caller?: (region: string) => Promise<Caller>;
}

/** @returns why it stopped, or the number of stacks compared */
export async function diffEstate(dir: string, options: StackSelection & { readonly out?: string }, deps: DiffDependencies = {}): Promise<{ stopped?: string; stacks: number }> {
  const { spec, previous } = prepareEstate(dir, options);
  // A mistyped --env or --service is the user's to fix before any credentials matter (exit 2).
  checkSelection(spec, previous, options);
  const caller = await (deps.caller ?? whoAmI)(spec.region);
  if ('trouble' in caller) return { stopped: describeCredentialTrouble(caller.trouble, 'cityplan diff'), stacks: 0 };
  const plan = await planEstate(dir, { ...options, out: options.out ?? 'cdk.out' });
  const toolkit = (deps.toolkit ?? ((ioHost) => new Toolkit({ ioHost })))(new NonInteractiveIoHost());
  const assembly = await toolkit.fromAssemblyDirectory(plan.assembly);
  const names = plan.stacks.map((s) => s.name);
  await toolkit.diff(assembly, { stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: names } });
  return { stacks: names.length };
}
