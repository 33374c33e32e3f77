/**
 * What to undo when the command is interrupted (Ctrl-C: SIGINT; or SIGTERM), and the handlers that
 * undo it and exit.
 *
 * Library code registers undo steps (a partial assembly to remove, worker threads to stop) for as
 * long as they are needed. Only the command installs handlers (exitOnSignals), so that a program
 * using the library keeps its own signal handling; without handlers a signal ends the process at
 * once, and the next plan removes what it left (leftovers.ts).
 */

type Undo = () => void | Promise<void>;

/** Registered undo steps, oldest first; they run latest first. */
const steps: Undo[] = [];
let interrupting = false;

/** Exit status per signal: 128 + the signal's number, as shells report a command a signal ended. */
export const SIGNAL_EXIT: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Registers `undo` to run if the command is interrupted before the returned function is called.
 * Steps run latest first, so stopping what writes into a folder comes before removing the folder.
 */
export function onInterrupt(undo: Undo): () => void {
  steps.push(undo);
  return () => {
    const i = steps.lastIndexOf(undo);
    if (i >= 0) steps.splice(i, 1);
  };
}

/**
 * Lets a signal that arrived during synchronous work (synthesis in this thread holds the event loop,
 * so no handler can run) be handled now, before the caller goes on to replace anything. When the
 * command is being interrupted this never resolves: the handler finishes undoing and exits.
 */
export async function checkpoint(): Promise<void> {
  // Signals are delivered in the event loop's poll phase. Whatever phase this is called from, a
  // poll phase lies between now and the second setImmediate.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  if (interrupting) await new Promise(() => {});
}

/**
 * Makes SIGINT and SIGTERM undo what is registered, say so, and exit with SIGNAL_EXIT's status
 * (130, 143). Each handler is installed once: a second signal while undoing ends the process at
 * once, as without cityplan's handler.
 *
 * @param say where to tell the user (stderr)
 * @param exit how to exit; replaced in tests
 */
export function exitOnSignals(say: (text: string) => void, exit: (code: number) => void = (code) => process.exit(code)): void {
  for (const [signal, code] of Object.entries(SIGNAL_EXIT)) {
    process.once(signal, () => {
      interrupting = true;
      void undoAll().then(() => {
        say(`cityplan: interrupted (${signal})`);
        exit(code);
      });
    });
  }
}

async function undoAll(): Promise<void> {
  for (const undo of steps.splice(0).reverse()) {
    try {
      await undo();
    } catch {
      // Best effort: the next plan removes what is left (leftovers.ts).
    }
  }
}
