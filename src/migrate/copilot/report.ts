/**
 * What an import could not carry over as it was: every Copilot field that did not map, or mapped
 * only approximately, with why and what the team should do. Nothing is dropped without an entry.
 */

/** One field of a Copilot manifest that cityplan did not take over as it was. */
export interface Unmapped {
  /** The Copilot file, relative to the application folder, such as `copilot/api/manifest.yml`. */
  readonly file: string;
  /** Dotted field path in that file, such as `http.additional_rules` or `environments.prod.count.spot`. */
  readonly field: string;
  /** Why it did not map (or what it was approximated by). */
  readonly why: string;
  /** What the team should do about it. */
  readonly todo: string;
}

/** Collects Unmapped entries for one file; `at` prefixes every field (an environment override). */
export class Findings {
  constructor(
    readonly file: string,
    private readonly list: Unmapped[],
    private readonly prefix = '',
  ) {}

  /** Records `field` (relative to this finder's prefix). */
  add(field: string, why: string, todo: string): void {
    this.list.push({ file: this.file, field: this.prefix ? (field ? `${this.prefix}.${field}` : this.prefix) : field, why, todo });
  }

  /** The same file, with fields under `prefix` (such as `environments.prod`). */
  under(prefix: string): Findings {
    return new Findings(this.file, this.list, this.prefix ? `${this.prefix}.${prefix}` : prefix);
  }
}
