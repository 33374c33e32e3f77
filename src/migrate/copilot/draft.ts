/**
 * What the mappers build: a service file's fields, layer by layer (the file itself and each
 * environment override), with the notes the writer puts beside placeholder values.
 */
import type { Findings } from './report';

/** Plain data of one Copilot manifest layer (the manifest, or one `environments.<env>` block), read field by field. */
export class Raw {
  private readonly taken = new Set<string>();
  constructor(readonly data: Record<string, unknown>) {}

  /** The value of `key`, marked as handled. */
  take(key: string): unknown {
    this.taken.add(key);
    return this.data[key];
  }

  has(key: string): boolean {
    return this.data[key] !== undefined && this.data[key] !== null;
  }

  /** Keys present but never taken: the fields no mapper handled. */
  rest(): string[] {
    return Object.keys(this.data).filter((k) => !this.taken.has(k) && this.data[k] !== undefined);
  }
}

/** One layer of a service file under construction: its fields, and `TODO(import)` notes by field path. */
export interface LayerDraft {
  readonly fields: Record<string, unknown>;
  /** Dotted field path (relative to this layer) → the note the writer puts on that line. */
  readonly todos: Map<string, string>;
}

export const emptyLayer = (): LayerDraft => ({ fields: {}, todos: new Map() });

/** What a mapper is given besides the layer it maps. */
export interface MapContext {
  /** Where unmapped fields of this layer are recorded. */
  readonly findings: Findings;
  /** Whether this is an `environments.<env>` override (false: the manifest itself). */
  readonly override: boolean;
}

export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
