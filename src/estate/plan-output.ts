/**
 * What `plan` writes, and how it writes it so that a plan that fails, or is interrupted, changes
 * nothing: the cloud assembly is synthesized into `<out>.partial-<pid>` beside --out and the lock's
 * new text into a temp file in the estate folder (either failing before anything is replaced);
 * then commit swaps the assembly into place and renames the lock over the old one, undoing the
 * swap if that last rename fails.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { explainFileErrors, FileError } from '../files/file-error';
import { checkpoint, onInterrupt } from '../files/interrupt';
import { removeLeftovers } from '../files/leftovers';
import { makeDirs } from '../files/make-dirs';
import { removeIfPresent } from '../files/remove';
import { LOCK_FILE, LOCK_REMEDY, LOCK_TEMP_PATTERN, stageLock } from './lock';

/** What to do when --out cannot be written. */
const OUT_REMEDY = 'choose an --out in a folder you can write to';

/** A plan's output while it is being made; `discard` it in a `finally`. */
export class PlanOutput {
  private lock?: { readonly dir: string; readonly temp: string };
  private readonly release: Array<() => void> = [];

  private constructor(
    /** The cloud assembly folder (--out), absolute. */
    readonly out: string,
    /** The folder to synthesize the assembly into. */
    readonly staging: string,
  ) {}

  /**
   * Prepares to replace `out` (a previous cloud assembly, an empty folder, or nothing): removes
   * what plans that were killed left beside it, and creates the staging folder, which an
   * interrupt removes.
   *
   * @throws FileError when `out` is something else (a file, a folder of the user's): exit 1
   * @throws FileError when the staging folder cannot be created (read-only, a file on the path…)
   */
  static open(out: string): PlanOutput {
    const absolute = resolve(out);
    checkReplaceable(absolute);
    const output = new PlanOutput(absolute, `${absolute}.partial-${process.pid}`);
    removeLeftovers(dirname(absolute), partialPattern(absolute));
    output.release.push(onInterrupt(() => removeIfPresent(output.staging)));
    try {
      explainFileErrors(absolute, `write the cloud assembly to ${absolute}`, OUT_REMEDY, () => {
        // Ours only if this process's id was used before, by a plan that was killed.
        for (const mine of [output.staging, `${output.staging}.old`]) removeIfPresent(mine);
        makeDirs(output.staging);
      });
    } catch (e) {
      output.discard();
      throw e;
    }
    return output;
  }

  /**
   * Writes the lock's new text beside the lock of estate `dir`, to be renamed over it on commit;
   * first removes lock temp files that killed processes left there.
   * @throws FileError when the estate folder cannot be written; nothing is replaced then
   */
  stageLock(dir: string, text: string): void {
    removeLeftovers(dir, LOCK_TEMP_PATTERN);
    const temp = stageLock(dir, text);
    this.lock = { dir, temp };
    this.release.push(onInterrupt(() => removeIfPresent(temp)));
  }

  /**
   * Puts the staged assembly at `out` and the staged lock (if any) in place of the lock. Waits first
   * for a signal that arrived during synthesis to be handled: an interrupted plan replaces nothing.
   * @throws FileError when a rename fails; `out` and the lock are as they were then
   */
  async commit(): Promise<void> {
    await checkpoint();
    const aside = `${this.staging}.old`;
    const assemblyFailure = (action: () => void) =>
      explainFileErrors(this.out, `replace the cloud assembly in ${this.out}`, OUT_REMEDY, action);
    const hadOut = existsSync(this.out);
    if (hadOut) assemblyFailure(() => renameSync(this.out, aside));
    try {
      assemblyFailure(() => renameSync(this.staging, this.out));
    } catch (e) {
      if (hadOut) renameSync(aside, this.out);
      throw e;
    }
    if (this.lock) {
      const { dir, temp } = this.lock;
      try {
        explainFileErrors(join(dir, LOCK_FILE), `write ${LOCK_FILE} in ${dir}`, LOCK_REMEDY, () => renameSync(temp, join(dir, LOCK_FILE)));
      } catch (e) {
        // The lock stays as it was, so the assembly must too: it may hold stacks only the new lock places.
        renameSync(this.out, this.staging);
        if (hadOut) renameSync(aside, this.out);
        throw e;
      }
    }
    try {
      rmSync(aside, { recursive: true, force: true });
    } catch {
      // The plan is done; the next one removes the previous assembly left here (partialPattern).
    }
  }

  /** Removes whatever is still staged (nothing, after a commit). Never throws. */
  discard(): void {
    for (const release of this.release.splice(0)) release();
    try {
      removeIfPresent(this.staging);
      if (this.lock) removeIfPresent(this.lock.temp);
    } catch {
      // Left for the next plan, which removes what this process left once it has ended.
    }
  }
}

/**
 * `<out>.partial-<pid>` (a staging folder) and `<out>.partial-<pid>.old` (a replaced assembly on
 * its way out), for `out`; the group is the id of the plan's process.
 */
function partialPattern(out: string): RegExp {
  const name = basename(out).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${name}\\.partial-(\\d+)(?:\\.old)?$`);
}

/**
 * Whether a folder holds a cloud assembly: CDK's `cdk.out` marker file with its schema version, and
 * a manifest.json of that version with artifacts. A manifest.json alone is not enough: web apps and
 * browser extensions have one, and plan would delete the folder.
 */
function isCloudAssembly(dir: string): boolean {
  try {
    const marker = JSON.parse(readFileSync(join(dir, 'cdk.out'), 'utf8')) as { version?: unknown };
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { version?: unknown; artifacts?: unknown };
    return typeof marker.version === 'string' && manifest.version === marker.version && typeof manifest.artifacts === 'object' && manifest.artifacts !== null;
  } catch {
    return false;
  }
}

/**
 * The plan replaces --out wholesale, so it must be a previous cloud assembly or nothing: never a
 * file, a folder of the user's, or the estate itself.
 */
function checkReplaceable(out: string): void {
  if (!existsSync(out)) return;
  const isAssembly = statSync(out).isDirectory() && (readdirSync(out).length === 0 || isCloudAssembly(out));
  // A path that cannot take the assembly, like any other that cannot be written: exit 1 (README).
  if (!isAssembly) throw new FileError(out, `--out ${out} exists and is not a cloud assembly; plan replaces it, so choose a new folder`);
}
