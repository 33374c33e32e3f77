/**
 * The order of an estate deploy: the foundations (and the delivery account's shared stack), then
 * the certificates, then the load balancer shards, then services in parallel (at most `concurrency`
 * at once), then the service pipelines (as many at once), then the shards leaving the estate.
 *
 * Pipelines come after every service stack of the run: CodePipeline starts an execution when a
 * pipeline is created (and its source actions fire on the next push), and that execution deploys
 * the service's stack; deploying pipelines last means a pipeline's first run never updates a
 * service stack this estate deploy is still deploying. Within a step a stack starts once the
 * stacks it depends on (in the cloud assembly: links between services, and the orderings the plan's
 * transition check added) have deployed; a stack whose dependency failed or was skipped is skipped.
 */
import type { StackPlan } from '../estate/stack-plan';

/** The step of a stack in the deploy, 0 first. */
export function stepOf(plan: StackPlan): number {
  if (plan.role === 'foundation' || plan.role === 'delivery') return 0;
  if (plan.role === 'certificate') return 1;
  if (plan.role === 'ingress' && !plan.retiring) return 2;
  if (plan.role === 'service' || (plan.role === 'removal' && plan.service)) return 3;
  if (plan.role === 'pipeline') return 4;
  return 5;
}

export const STEP_NAMES = ['foundations', 'certificates', 'load balancer shards', 'services', 'service pipelines', 'stacks leaving the estate'] as const;

/** The steps whose stacks deploy in parallel, up to --concurrency: services and pipelines. */
export const PARALLEL_STEPS: ReadonlySet<number> = new Set([3, 4]);

/** The stacks to deploy, grouped by step, each group in plan order. */
export function groupSteps(plans: readonly StackPlan[]): StackPlan[][] {
  const steps: StackPlan[][] = STEP_NAMES.map(() => []);
  for (const plan of plans) steps[stepOf(plan)]!.push(plan);
  return steps.filter((s) => s.length > 0);
}

export type StackOutcome = 'deployed' | 'failed' | 'skipped';

/** Thrown by a stack's deploy that is not to happen in this run (why: its message); the run goes on. */
export class SkipStack extends Error {
  override readonly name: string = 'SkipStack';
}

/**
 * A source-built service whose pipeline has not yet deployed an image to this environment: not a
 * failure of the deploy, since the pipeline creates the stack once it has built one.
 */
export class AwaitsPipeline extends SkipStack {
  override readonly name: string = 'AwaitsPipeline';
}

/**
 * Runs `deploy` over the stacks of one step, at most `concurrency` at once, each after its
 * dependencies among them. Never rejects: a failure is the stack's outcome.
 *
 * @param dependencies each stack's dependencies (any stack: those outside this step are deployed already, or not at all)
 * @param done stacks of earlier steps and their outcomes: a stack depending on one that did not deploy is skipped
 */
export async function runStep(
  stacks: readonly string[],
  dependencies: ReadonlyMap<string, readonly string[]>,
  concurrency: number,
  deploy: (stack: string) => Promise<void>,
  done: Map<string, StackOutcome>,
  /** Told of a stack skipped: `because` is the stack it waited for, or why it was skipped (`cause`: the stack's own SkipStack). */
  skip: (stack: string, because: string, cause?: SkipStack) => void,
): Promise<void> {
  const waiting = [...stacks];
  const inStep = new Set(stacks);
  const running = new Set<Promise<void>>();
  const ready = (s: string) => (dependencies.get(s) ?? []).every((d) => !inStep.has(d) || done.has(d));
  while (waiting.length > 0 || running.size > 0) {
    for (let i = 0; i < waiting.length && running.size < concurrency; ) {
      const stack = waiting[i]!;
      if (!ready(stack)) {
        i++;
        continue;
      }
      waiting.splice(i, 1);
      const blocked = (dependencies.get(stack) ?? []).find((d) => done.has(d) && done.get(d) !== 'deployed');
      if (blocked) {
        done.set(stack, 'skipped');
        skip(stack, blocked);
        continue;
      }
      const run: Promise<void> = deploy(stack)
        .then(() => void done.set(stack, 'deployed'))
        .catch((e: unknown) => {
          done.set(stack, e instanceof SkipStack ? 'skipped' : 'failed');
          if (e instanceof SkipStack) skip(stack, e.message, e);
        })
        .finally(() => running.delete(run));
      running.add(run);
    }
    if (running.size === 0) {
      // Nothing runs and nothing is ready: the rest wait on each other (the plan refuses cycles, so
      // this is a bug); skip them rather than wait for ever.
      for (const stack of waiting.splice(0)) {
        done.set(stack, 'skipped');
        skip(stack, 'a dependency cycle');
      }
      break;
    }
    await Promise.race(running);
  }
}
