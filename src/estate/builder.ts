/**
 * The plan's builder: one worker thread, started as a plan begins, that loads the construct library,
 * cityplan's stacks and the policy packs on another core while the plan's own thread reads the
 * estate and looks up its cache, then builds the few stacks that plan needs (a plan of one service,
 * or one with a few changed services). Loading the libraries takes longer than building a service's
 * stacks, so a plan that built them in its own thread waited for both one after the other.
 *
 * A plan that needs no stack built stops it unused; one that builds many stacks (synthesize.ts
 * PARALLEL_FROM_STACKS and more) stops it and uses its pool of workers. It builds with the same
 * synthesizeStacks, from the same estate spec and allocation (posted to it: no second reading of the
 * manifests), so the assembly is the same bytes as one built in the plan's thread
 * (test/estate/builder.test.ts).
 */
import { Worker } from 'node:worker_threads';
import { FileError } from '../files/file-error';
import { onInterrupt } from '../files/interrupt';
import { EstateError } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import type { EnvironmentAllocation } from './allocation';
import type { StackInputs } from './stack-inputs';
import type { StackPlan } from './stack-plan';
import type { SynthesisResult, WorkerReply, WorkerTask } from './synthesize';
import { mark } from './timings';
import { BUILDER_SCRIPT, builderHelps, takeEarlyBuilder } from './builder-start';

/** What the builder is sent: what a synthesis worker is given (synthesizeStacks's arguments, plain data). */
export type BuildTask = WorkerTask;

/**
 * The builder's answer: synthesis's result, or what it threw, as data (an Error does not cross
 * threads as its class). A crash keeps its message and stack apart, so that it reads as it would
 * have from the plan's thread.
 */
export type BuilderReply = Exclude<WorkerReply, { crash: string }> | { crash: { readonly message: string; readonly stack?: string } };

export class Builder {
  private failure?: Error;
  private exit?: number;
  private reply?: BuilderReply;
  private waiting?: { resolve: (reply: BuilderReply) => void; reject: (e: Error) => void };
  private stopped = false;

  private constructor(
    private readonly worker: Worker,
    /** What it did before this object listened (see builder-start.ts). */
    early: { failure?: Error; exit?: number } = {},
  ) {
    this.failure = early.failure;
    this.exit = early.exit;
    worker.on('message', (reply: BuilderReply) => {
      this.reply = reply;
      this.waiting?.resolve(reply);
    });
    worker.on('error', (e) => {
      this.failure = e;
      this.waiting?.reject(e);
    });
    worker.on('exit', (code) => {
      this.exit = code;
      if (!this.reply) this.waiting?.reject(this.failure ?? new Error(`synthesis worker exited with ${code} before answering`));
    });
    // Idle, it must not keep the process alive: a plan that ends without calling stop (an error
    // thrown past it) still exits. After the listeners, as listening for messages refs the worker.
    worker.unref();
  }

  /**
   * The builder bin/cityplan.js started before the command loaded (builder-start.ts), or else a
   * new one; undefined where a builder cannot help (builderHelps: running from source, as tests
   * do; one core; CITYPLAN_WORKERS set).
   */
  static start(script: string = BUILDER_SCRIPT): Builder | undefined {
    const early = takeEarlyBuilder();
    if (early) return new Builder(early.worker, early);
    return builderHelps(script) ? new Builder(new Worker(script)) : undefined;
  }

  /**
   * Builds, synthesizes and checks `stacks` into `outdir` in the worker, as synthesizeStacks would
   * here, and stops the worker. Once only.
   * @throws EstateError, FileError or Error as synthesizeStacks would have thrown them
   */
  async build(
    spec: EstateSpec,
    allocation: ReadonlyMap<string, EnvironmentAllocation>,
    stacks: readonly StackPlan[],
    outdir: string,
    given?: ReadonlyMap<string, StackInputs>,
  ): Promise<SynthesisResult> {
    if (this.waiting || this.stopped) throw new Error('the builder builds once');
    // From now on the worker writes into outdir: an interrupt stops it before outdir is removed
    // (undo steps run latest first, and outdir's removal was registered before).
    const release = onInterrupt(() => this.stop());
    this.worker.ref();
    try {
      const reply = await new Promise<BuilderReply>((resolve, reject) => {
        this.waiting = { resolve, reject };
        if (this.failure) reject(this.failure);
        else if (this.exit !== undefined) reject(new Error(`synthesis worker exited with ${this.exit} before answering`));
        else this.worker.postMessage({ spec, allocation, stacks, outdir, given } satisfies BuildTask);
      });
      mark(`builder: ${stacks.length} stacks built in its thread`);
      if ('fileError' in reply) throw new FileError(reply.fileError.path, reply.fileError.message);
      if ('problems' in reply) throw new EstateError(reply.problems);
      if ('crash' in reply) throw crashOf(reply.crash);
      return reply.result;
    } finally {
      release();
      await this.stop();
    }
  }

  /** Stops the worker, whatever it is doing; again is harmless. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.worker.terminate();
  }
}

/** The Error a crash in the worker was, with its message and the worker's stack. */
function crashOf(crash: { readonly message: string; readonly stack?: string }): Error {
  const error = new Error(crash.message);
  if (crash.stack !== undefined) error.stack = crash.stack;
  return error;
}
