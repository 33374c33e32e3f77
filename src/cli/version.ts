import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * cityplan's version, from its package.json: read when asked rather than bundled, because the same
 * code runs from dist/ (built) and from src/ (tests), one and two folders below it.
 * @returns the version, such as `0.1.0`, or `unknown` when no cityplan package.json is found
 */
export function cityplanVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cityplan' && pkg.version) return pkg.version;
    } catch {
      // No package.json here, or not one to read: look further up.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}
