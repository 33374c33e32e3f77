/**
 * Worker thread entry of the plan's builder (builder.ts): loads the construct library, cityplan's
 * stacks and the policy packs as soon as it starts, warms up (builder-warm-up.ts) while the plan's
 * own thread reads the estate, then builds the stacks it is sent, exactly as synthesizeStacks does
 * in the plan's thread.
 */
import { parentPort } from 'node:worker_threads';
import type { BuilderReply, BuildTask } from './builder';
import { warmUp } from './builder-warm-up';
import { failureReply, synthesizeStacks } from './synthesize';

/** Builds the task's stacks and answers with the result, or with what synthesis threw. */
function build(task: BuildTask): void {
  let reply: BuilderReply;
  try {
    reply = { result: synthesizeStacks(task.spec, task.allocation, task.stacks, task.outdir, task.given) };
  } catch (e) {
    // As synth-worker.ts answers, but for a crash: the plan's thread rethrows each as synthesis in
    // that thread would have thrown it.
    reply = failureReply(e) ?? { crash: e instanceof Error ? { message: e.message, stack: e.stack } : { message: String(e) } };
  }
  parentPort!.postMessage(reply);
}

let task: BuildTask | undefined;
let warm = false;
parentPort!.once('message', (sent: BuildTask) => {
  if (warm) build(sent);
  else task = sent;
});
// The task may come while warming up: the warm-up stops at its next step, as what is left of it
// the build itself pays for.
void warmUp(() => task !== undefined).then(() => {
  warm = true;
  if (task) build(task);
});
