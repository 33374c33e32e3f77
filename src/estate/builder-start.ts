/**
 * Starts the plan's builder thread (builder.ts) before the command's own modules load: bin/cityplan.js
 * calls this first thing for `cityplan plan`, as a bundle of its own (dist/builder-start.js) that
 * loads nothing of cityplan's but this, so the thread loads the construct library while the command
 * loads and reads the estate. The plan takes the thread over (Builder.start); a command that never
 * plans leaves it, and it keeps no process alive.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { configuredWorkers } from './worker-count';

/** A builder thread started early, and what it did before the plan took it over. */
export interface EarlyBuilder {
  readonly worker: Worker;
  failure?: Error;
  exit?: number;
}

/** Where an early builder waits for the plan: the CLI's bundle and this one share no module. */
const EARLY = Symbol.for('cityplan.builder.early');

/** Where the builder's entry is once built (dist/builder-worker.js beside this bundle and dist/cli.js). */
export const BUILDER_SCRIPT = join(__dirname, 'builder-worker.js');

/**
 * Whether a builder can help: the built worker is there (not when running from source, as tests
 * do), a second core can run it, and CITYPLAN_WORKERS is not set (0 or 1 keep synthesis in the
 * plan's thread; more ask for the pool of workers whatever the plan's size).
 */
export function builderHelps(script: string): boolean {
  return configuredWorkers() === undefined && availableParallelism() >= 2 && existsSync(script);
}

/** Starts the builder thread for a plan to take with takeEarlyBuilder, where one can help. */
export function startBuilder(script: string = BUILDER_SCRIPT): void {
  if (!builderHelps(script)) return;
  const early: EarlyBuilder = { worker: new Worker(script) };
  // Recorded until the plan listens: an error event nobody listens to would end the process.
  early.worker.on('error', (e) => (early.failure = e));
  early.worker.on('exit', (code) => (early.exit = code));
  early.worker.unref();
  (globalThis as Record<symbol, unknown>)[EARLY] = early;
}

/** The builder startBuilder started, once; undefined when none was. */
export function takeEarlyBuilder(): EarlyBuilder | undefined {
  const store = globalThis as Record<symbol, EarlyBuilder | undefined>;
  const early = store[EARLY];
  delete store[EARLY];
  return early;
}
