import { SERVICE_DEFAULTS, type ServiceOverrides } from './schema';
import type { YamlSource } from './yaml-source';

/**
 * One layer of a service's effective configuration, remembering where it came from so that a
 * problem with the merged value can be reported at the line that set it.
 */
export interface Layer {
  readonly kind: 'built-in' | 'estate defaults' | 'service file' | 'environment override';
  readonly source?: YamlSource;
  readonly base: readonly PropertyKey[];
  readonly data: ServiceOverrides;
  /** Fields this layer set that failed validation (left out of `data`), relative to `base`. */
  readonly failed?: ReadonlyArray<readonly PropertyKey[]>;
}

export const builtInLayer: Layer = { kind: 'built-in', base: [], data: SERVICE_DEFAULTS as ServiceOverrides };

/** Deep-merges plain objects; scalars and lists from later layers replace earlier ones. */
export function mergeLayers(layers: readonly Layer[]): Record<string, unknown> {
  return layers.reduce<Record<string, unknown>>((acc, layer) => merge(acc, layer.data as Record<string, unknown>), {});
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (value === undefined) continue;
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? merge(prev, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last layer that sets `path`: the one whose line a problem with that value should point at. */
export function originOf(layers: readonly Layer[], path: readonly string[]): Layer | undefined {
  for (let i = layers.length - 1; i >= 0; i--) {
    let cur: unknown = layers[i]!.data;
    for (const seg of path) cur = isPlainObject(cur) ? cur[seg] : undefined;
    if (cur !== undefined) return layers[i];
  }
  return undefined;
}

/**
 * Whether a field `path` depends on failed validation in any layer: the field itself, a map
 * holding it, or a field inside it. A rule reading such a field would judge a stand-in value.
 */
export function failedIn(layers: readonly Layer[], path: readonly string[]): boolean {
  return layers.some((layer) =>
    (layer.failed ?? []).some((f) => {
      const n = Math.min(f.length, path.length);
      for (let i = 0; i < n; i++) if (String(f[i]) !== path[i]) return false;
      return true;
    }),
  );
}
