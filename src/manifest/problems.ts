/** A problem found in an estate: where it is, which field, and what is wrong. */
export interface Problem {
  /** File path as the user would type it, relative to the estate folder. */
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** Dotted field path inside the file, such as `environments.production.count.min`. */
  readonly field?: string;
  readonly message: string;
}

/** Thrown when the estate is wrong; carries every problem found, not just the first. */
export class EstateError extends Error {
  /**
   * @param subject what has the problems, as the error's heading names it: the estate, or the
   *   input a command read instead (such as the Copilot application `import copilot` reads)
   */
  constructor(
    readonly problems: readonly Problem[],
    readonly subject = 'the estate',
  ) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'EstateError';
  }
}

/** A command used wrongly (exit 2), as opposed to a wrong estate (exit 1). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(':');
  return `${where}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`))
    .join('');
}

/**
 * Problems in reading order (file, then line), each said once: a base-file value is checked once
 * per environment but is one mistake.
 */
export function uniqueProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const key = formatProblem(p);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
