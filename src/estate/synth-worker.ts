/** Worker thread entry: synthesizes one part of an estate (see synthesize.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { failureReply, synthesizeStacks, type WorkerReply, type WorkerTask } from './synthesize';

const task = workerData as WorkerTask;
let reply: WorkerReply;
try {
  reply = { result: synthesizeStacks(task.spec, task.allocation, task.stacks, task.outdir, task.given) };
} catch (e) {
  reply = failureReply(e) ?? { crash: (e as Error).stack ?? String(e) };
}
parentPort!.postMessage(reply);
