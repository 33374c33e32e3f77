/** Worker thread entry: synthesizes one part of an estate (see synthesize.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { fileErrorOf } from '../files/file-error';
import { EstateError } from '../manifest/problems';
import { synthesizeStacks, type WorkerReply, type WorkerTask } from './synthesize';

const task = workerData as WorkerTask;
let reply: WorkerReply;
try {
  reply = { result: synthesizeStacks(task.spec, task.allocation, task.stacks, task.outdir, task.given && new Map(task.given)) };
} catch (e) {
  const fileError = fileErrorOf(e);
  reply =
    e instanceof EstateError
      ? { problems: [...e.problems] }
      : fileError
        ? { fileError: { path: fileError.path, message: fileError.message } }
        : { crash: (e as Error).stack ?? String(e) };
}
parentPort!.postMessage(reply);
