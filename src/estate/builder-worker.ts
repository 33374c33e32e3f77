/**
 * Worker thread entry of the plan's builder (builder.ts): loads the construct library, cityplan's
 * stacks and the policy packs as soon as it starts, while the plan's own thread reads the estate,
 * then builds the stacks it is sent, exactly as synthesizeStacks does in the plan's thread.
 */
import { parentPort } from 'node:worker_threads';
import { fileErrorOf } from '../files/file-error';
import { EstateError } from '../manifest/problems';
import type { BuilderReply, BuildTask } from './builder';
import { warmUp } from './builder-warm-up';
import { synthesizeStacks } from './synthesize';

const DBG = (l: string) => process.env.CITYPLAN_TIMINGS && process.stderr.write(`worker ${l} at ${(performance.timeOrigin + performance.now() - Number(process.env.T0 ?? 0)).toFixed(0)}\n`);
DBG('loaded');
parentPort!.once('message', (task: BuildTask) => {
  DBG('task');
  let reply: BuilderReply;
  try {
    reply = { result: synthesizeStacks(task.spec, task.allocation, task.stacks, task.outdir) };
  } catch (e) {
    // As synth-worker.ts answers, but for a crash: the plan's thread rethrows each as synthesis in
    // that thread would have thrown it.
    const fileError = fileErrorOf(e);
    reply =
      e instanceof EstateError
        ? { problems: [...e.problems] }
        : fileError
          ? { fileError: { path: fileError.path, message: fileError.message } }
          : { crash: e instanceof Error ? { message: e.message, stack: e.stack } : { message: String(e) } };
  }
  DBG('built');
  parentPort!.postMessage(reply);
});

// The listener is in place first: a task sent while this runs waits in the port until it ends.
warmUp();
DBG('warm');
