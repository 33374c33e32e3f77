/** Worker thread entry: synthesizes one part of an estate (see synthesize.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { loadEstate } from '../manifest/load';
import { fileErrorOf } from '../files/file-error';
import { EstateError } from '../manifest/problems';
import { allocateEstate } from './allocation';
import { synthesizeStacks, type WorkerReply, type WorkerTask } from './synthesize';

const task = workerData as WorkerTask;
let reply: WorkerReply;
try {
  const spec = loadEstate(task.dir);
  // The lock already holds every placement, so allocating against it reproduces them exactly.
  const { environments } = allocateEstate(spec, task.lock, { selection: task.selection });
  reply = { result: synthesizeStacks(spec, environments, task.stacks, task.outdir, task.given && new Map(task.given)) };
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
