/**
 * How many synthesis workers a plan uses (synthesize.ts). Apart from synthesis, so that a plan can
 * decide without loading the construct library, which synthesize.ts loads.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Below this many stacks, starting workers (each loads the CDK afresh) costs more than it saves. */
export const PARALLEL_FROM_STACKS = 120;

/**
 * How many workers to use: CITYPLAN_WORKERS when set, else one per core for large estates, and
 * none (this process) when the worker script is not there (running from source, as tests do).
 */
export function workerCount(stacks: number, script: string): number {
  const configured = configuredWorkers();
  if (!existsSync(script)) return 0;
  if (configured !== undefined) return configured <= 1 ? 0 : configured;
  return stacks >= PARALLEL_FROM_STACKS ? Math.min(availableParallelism(), 4) : 0;
}

/**
 * CITYPLAN_WORKERS when it reads as a whole number (so also when set empty: 0), 0 and 1 meaning
 * synthesis in the plan's thread; undefined when unset or not a number.
 */
export function configuredWorkers(): number | undefined {
  const configured = Number(process.env.CITYPLAN_WORKERS);
  return Number.isInteger(configured) && configured >= 0 ? configured : undefined;
}
