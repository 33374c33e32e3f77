import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackPlan } from '../estate/stack-plan';
import { AwaitsPipeline, groupSteps, PARALLEL_STEPS, runStep, SkipStack, STEP_NAMES, stepOf, type StackOutcome } from './order';

/** Each stack's dependencies on other stacks, as the cloud assembly's manifest records them. */
export function assemblyDependencies(assembly: string): Map<string, string[]> {
  const manifest = JSON.parse(readFileSync(join(assembly, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type?: string; dependencies?: string[] }>;
  };
  const artifacts = manifest.artifacts ?? {};
  const stacks = new Set(Object.entries(artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack').map(([name]) => name));
  return new Map([...stacks].map((name) => [name, (artifacts[name]!.dependencies ?? []).filter((d) => stacks.has(d))]));
}

export interface StepOptions {
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  readonly concurrency: number;
  readonly say: (text: string) => void;
  /** Deploys one stack; rejects when it failed. */
  readonly deploy: (plan: StackPlan) => Promise<void>;
  /** Why the deploy stopped, from the first error. */
  readonly explain: (error: Error) => string;
}

/**
 * Deploys the stacks step by step (order.ts), saying as it goes what starts, what deployed (with
 * its time) and what was skipped. A step with a failure is the last: the next steps need it.
 *
 * @returns why the deploy stopped, or undefined when every stack deployed
 */
export async function deploySteps(plans: readonly StackPlan[], options: StepOptions): Promise<string | undefined> {
  const byName = new Map(plans.map((p) => [p.name, p]));
  const total = plans.length;
  let started = 0;
  let firstError: Error | undefined;
  const skipped: string[] = [];
  // Stacks that wait for their pipeline's first image, and those that wait on them: expected on a
  // first deploy, so they are said but do not make the deploy fail.
  const awaiting: string[] = [];
  const done = new Map<string, StackOutcome>();
  for (const step of groupSteps(plans)) {
    const names = step.map((p) => p.name);
    options.say(`${STEP_NAMES[stepOf(step[0]!)]}: ${names.length} stack${names.length === 1 ? '' : 's'}${names.length > 1 && PARALLEL_STEPS.has(stepOf(step[0]!)) ? `, up to ${options.concurrency} at once` : ''}`);
    await runStep(
      names,
      options.dependencies,
      PARALLEL_STEPS.has(stepOf(step[0]!)) ? options.concurrency : 1,
      async (name) => {
        const n = ++started;
        const since = Date.now();
        options.say(`  [${n}/${total}] ${name}: deploying`);
        try {
          await options.deploy(byName.get(name)!);
          options.say(`  [${n}/${total}] ${name}: deployed in ${Math.round((Date.now() - since) / 1000)} s`);
        } catch (e) {
          if (e instanceof SkipStack) throw e;
          firstError ??= e as Error;
          options.say(`  [${n}/${total}] ${name}: failed`);
          throw e;
        }
      },
      done,
      (name, because, cause) => {
        (cause instanceof AwaitsPipeline || awaiting.includes(because) ? awaiting : skipped).push(name);
        options.say(byName.has(because) || /^\S+$/.test(because) ? `  ${name}: skipped, as ${because} did not deploy` : `  ${name}: skipped: ${because}`);
      },
    );
    if (firstError) break;
  }
  if (firstError) return options.explain(firstError);
  if (skipped.length > 0) {
    const left = [...skipped, ...awaiting];
    return `${left.length} stack${left.length === 1 ? ' was' : 's were'} not deployed: ${left.join(', ')} (see above why); everything else was`;
  }
  if (awaiting.length > 0) {
    options.say(
      `${awaiting.length} stack${awaiting.length === 1 ? ' waits' : 's wait'} for a service pipeline's first image: ${awaiting.join(', ')}. ` +
        'Each pipeline deploys its own service once it has built an image; run cityplan deploy again after that for any stack above that depends on one of them',
    );
  }
  return undefined;
}
