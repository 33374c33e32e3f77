/**
 * Phase timings of a plan, printed on stderr when CITYPLAN_TIMINGS is set (the plan benchmark and
 * profiling read them; wall-clock time on a shared machine is too noisy to compare phases by).
 */
const enabled = !!process.env.CITYPLAN_TIMINGS;
let last = performance.now();

/** Prints the milliseconds since the previous mark (or since this module loaded), labelled. */
export function mark(label: string): void {
  if (!enabled) return;
  const now = performance.now();
  process.stderr.write(`cityplan:timing ${label} ${(now - last).toFixed(0)} ms (at ${now.toFixed(0)} ms)\n`);
  last = now;
}
