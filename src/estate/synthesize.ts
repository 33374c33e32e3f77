/**
 * Synthesis of an estate's stacks, with policy checks and sizes, in this process or spread over
 * worker threads. Both produce the same cloud assembly.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { FileError, fileErrorOf } from '../files/file-error';
import { onInterrupt } from '../files/interrupt';
import { EstateError, type Problem } from '../manifest/problems';
import type { EstateSpec } from '../manifest/spec';
import { type Acknowledgement, acknowledgements, checkPolicy, type Finding } from '../policy/packs';
import type { EnvironmentAllocation } from './allocation';
import { type Template, templateClaims } from './claims';
import { mergeAssemblies } from './assembly-merge';
import { compileEstate } from './compile';
import { dropMetadataTraces } from './metadata-traces';
import { environmentRoot } from '../naming/names';
import type { StackSize } from './quotas';
import type { StackInputs } from './stack-inputs';
import type { StackPlan } from './stack-plan';

export { workerCount } from './worker-count';

export interface SynthesizedStack extends StackSize {
  readonly environment: string;
  readonly service?: string;
  /** What the template claims (see claims.ts), and which of those claims outlive their resource. */
  readonly claims: string[];
  readonly retains: string[];
  /** Claims made twice in the template. */
  readonly duplicates: string[];
}

export interface SynthesisResult {
  readonly stacks: SynthesizedStack[];
  readonly findings: Finding[];
  /**
   * Every acknowledged policy rule with its reason, in plan order of their stacks (tree order within
   * a stack), whichever way the stacks were synthesized. Posted from workers, so plain data only.
   */
  readonly acknowledgements: Acknowledgement[];
}

/**
 * What a worker builds: the estate as the plan read it (posted, never read again from disk, so that
 * a manifest edited while the plan runs cannot make a stack that differs from its cache key), and
 * its part of the stacks.
 */
export interface WorkerTask {
  readonly spec: EstateSpec;
  readonly allocation: ReadonlyMap<string, EnvironmentAllocation>;
  readonly stacks: readonly StackPlan[];
  readonly outdir: string;
  /** Inputs of the stand-in stacks among `stacks` (compile.ts CompileOptions.given). */
  readonly given?: ReadonlyMap<string, StackInputs>;
}

export type WorkerReply =
  | { result: SynthesisResult }
  | { problems: Problem[] }
  /** A FileError's path and message (an Error does not cross threads as its class). */
  | { fileError: { path: string; message: string } }
  | { crash: string };

/**
 * The reply for an error synthesis threw that is the estate's (its problems) or a file's (its path
 * and message: an Error does not cross threads as its class); undefined for a crash, which each
 * worker reports in its own form.
 */
export function failureReply(e: unknown): { problems: Problem[] } | { fileError: { path: string; message: string } } | undefined {
  if (e instanceof EstateError) return { problems: [...e.problems] };
  const fileError = fileErrorOf(e);
  return fileError ? { fileError: { path: fileError.path, message: fileError.message } } : undefined;
}

/**
 * Stacks per CDK app. Each app's construct tree can be collected before the next is built, which
 * bounds how much of a large estate is alive at once.
 */
const STACKS_PER_APP = 100;

/**
 * Heap per worker: about twice what one app of STACKS_PER_APP stacks holds. Bounded so that V8
 * collects each finished app before the next; with two workers a plan of 2,000 stacks peaked at
 * about 1.5 GB with 1,024 MB and apps of 150 stacks, over the 1.5 GB issue 14 allows.
 */
const WORKER_HEAP_MB = 768;

/**
 * Stacks one worker synthesizes before it ends and a fresh one takes the next part. aws-cdk-lib
 * keeps some state for the life of a process (every token string it ever registered, for one),
 * so a worker's heap grows with every app it builds, collected or not: a worker given 3,036 stacks
 * of a 3,000-service estate ran out of its heap; workers of about 1,005 (2 × 1,000 services over
 * two) plan within WORKER_HEAP_MB.
 */
const STACKS_PER_WORKER = 1100;

/**
 * Builds, synthesizes and checks the given stacks in this process, a bounded number at a time.
 * @param given inputs of stand-in stacks among `stacks`, by name (compile.ts CompileOptions.given)
 */
export function synthesizeStacks(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  stacks: readonly StackPlan[],
  outdir: string,
  given?: ReadonlyMap<string, StackInputs>,
): SynthesisResult {
  if (stacks.length <= STACKS_PER_APP) return synthesizeApp(spec, allocation, stacks, outdir, given);
  const chunks: StackPlan[][] = [];
  for (let i = 0; i < stacks.length; i += STACKS_PER_APP) chunks.push(stacks.slice(i, i + STACKS_PER_APP));
  const dirs = chunks.map((_, i) => join(outdir, `app-${i}`));
  const results = chunks.map((chunk, i) => synthesizeApp(spec, allocation, chunk, dirs[i]!, given));
  mergeAssemblies(dirs, outdir, stacks);
  return combine(results, stacks);
}

function synthesizeApp(
  spec: EstateSpec,
  allocation: ReadonlyMap<string, EnvironmentAllocation>,
  stacks: readonly StackPlan[],
  outdir: string,
  given: ReadonlyMap<string, StackInputs> | undefined,
): SynthesisResult {
  const { app } = compileEstate(spec, allocation, { outdir, stacks, given });
  let assembly: CloudAssembly;
  try {
    assembly = app.synth();
  } catch (e) {
    // Writing the assembly failed in a way the user can fix (a full disk, say).
    const fileError = fileErrorOf(e);
    if (fileError) throw fileError;
    // A construct refused the configuration: a problem with the estate, not a crash.
    throw new EstateError([{ file: 'estate.yaml', message: `could not build the estate: ${(e as Error).message}` }]);
  }
  dropMetadataTraces(assembly.directory);
  if (assembly.manifest.missing?.length) {
    // A construct asked for an AWS lookup: plans must never need AWS, so this is a cityplan bug.
    throw new Error(`synthesis needs AWS lookups: ${assembly.manifest.missing.map((m) => m.key).join(', ')}`);
  }
  const artifacts = new Map(assembly.stacks.map((s) => [s.stackName, s]));
  return {
    // In plan order, whatever order the assembly lists its stacks in.
    stacks: stacks.map((plan) => {
      const artifact = artifacts.get(plan.name)!;
      const template = artifact.template as Template & { Outputs?: object };
      return {
        ...templateClaims(template, plan.name, environmentRoot(spec.name, plan.environment)),
        name: plan.name,
        environment: plan.environment,
        service: plan.service,
        resources: Object.keys(template.Resources ?? {}).length,
        parameters: Object.keys(template.Parameters ?? {}).length,
        outputs: Object.keys(template.Outputs ?? {}).length,
        bytes: statSync(join(assembly.directory, artifact.templateFile)).size,
      };
    }),
    findings: checkPolicy(app),
    acknowledgements: acknowledgements(app),
  };
}

/**
 * Splits the stacks over worker threads, at most `workers` at once and `stacksPerWorker` stacks
 * each, each synthesizing into its own folder, then merges.
 */
export async function synthesizeInWorkers(
  task: Omit<WorkerTask, 'stacks' | 'outdir'>,
  stacks: readonly StackPlan[],
  outdir: string,
  workers: number,
  script: string,
  /** At most this many stacks per worker; more parts than `workers` run one after another. */
  stacksPerWorker = STACKS_PER_WORKER,
): Promise<SynthesisResult> {
  // Round robin keeps parts even: foundations are heavy, service stacks light and many. At most
  // `workers` run at once; a large estate has more parts than that, each a fresh worker.
  // Rounds of `workers` parts each, so that no round leaves a core idle while one part runs on.
  const count = workers * Math.ceil(stacks.length / (workers * stacksPerWorker));
  const parts = Array.from({ length: count }, (_, i) => stacks.filter((_, j) => j % count === i)).filter((p) => p.length > 0);
  const partDirs = parts.map((_, i) => join(outdir, `part-${i}`));
  const started: Array<{ worker: Worker; reply: Promise<WorkerReply> }> = [];
  let stopped = false;
  // Until every worker has answered, an interrupt stops them (before the folder they write into is
  // removed), and so does one failing: the others would keep the process alive and write on.
  const stopAll = async () => {
    stopped = true;
    await Promise.all(started.map((w) => w.worker.terminate()));
  };
  const release = onInterrupt(stopAll);
  const replies: WorkerReply[] = new Array(parts.length);
  let next = 0;
  const runNext = async (): Promise<void> => {
    while (!stopped && next < parts.length) {
      const i = next++;
      const running = startWorker(script, { ...task, stacks: parts[i]!, outdir: partDirs[i]! });
      started.push(running);
      replies[i] = await running.reply;
      // A part that crashed or could not write ends the plan; the estate's own problems are
      // collected from every part, so that all of them are listed at once.
      if ('crash' in replies[i]! || 'fileError' in replies[i]!) stopped = true;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(workers, parts.length) }, runNext));
    if (replies.some((r) => r === undefined) && !replies.some((r) => r !== undefined && !('result' in r))) throw new Error('synthesis stopped before every part was built');
  } catch (e) {
    await stopAll();
    throw e;
  } finally {
    release();
  }
  const answered = replies.filter((r): r is WorkerReply => r !== undefined);
  const fileError = answered.find((r) => 'fileError' in r);
  if (fileError) throw new FileError(fileError.fileError.path, fileError.fileError.message);
  const problems = answered.flatMap((r) => ('problems' in r ? r.problems : []));
  if (problems.length > 0) throw new EstateError(problems);
  const crash = answered.find((r): r is { crash: string } => 'crash' in r);
  if (crash) throw new Error(crash.crash);
  mergeAssemblies(partDirs, outdir, stacks);
  return combine(
    replies.map((r) => (r as { result: SynthesisResult }).result),
    stacks,
  );
}

/** One result from the results of parts, with stacks in plan order. */
function combine(results: readonly SynthesisResult[], stacks: readonly StackPlan[]): SynthesisResult {
  const order = new Map(stacks.map((s, i) => [s.name, i]));
  return {
    stacks: results.flatMap((r) => r.stacks).sort((a, b) => order.get(a.name)! - order.get(b.name)!),
    findings: results.flatMap((r) => r.findings),
    // Worker parts take stacks round robin: sorted (stably) by stack, the list is the one a single
    // process gives.
    acknowledgements: results.flatMap((r) => r.acknowledgements).sort((a, b) => (order.get(a.stack) ?? -1) - (order.get(b.stack) ?? -1)),
  };
}

function startWorker(script: string, task: WorkerTask): { worker: Worker; reply: Promise<WorkerReply> } {
  // A bounded heap makes V8 collect each finished app's tree instead of growing into free memory.
  const worker = new Worker(script, { workerData: task, resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
  const reply = new Promise<WorkerReply>((resolve, reject) => {
    let answer: WorkerReply | undefined;
    worker.once('message', (m: WorkerReply) => (answer = m));
    worker.once('error', reject);
    worker.once('exit', (code) => (answer ? resolve(answer) : reject(new Error(`synthesis worker exited with ${code} before answering`))));
  });
  return { worker, reply };
}
