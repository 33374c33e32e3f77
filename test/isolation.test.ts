import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The files vitest.config.mts runs each in a module graph of its own. */
const ISOLATED_TEST_FILES: string[] = JSON.parse(readFileSync('test/isolated-files.json', 'utf8'));

/** Every file below test/, as a path from the repository root. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** A test file's own text and that of the test support files it imports, which may do the replacing. */
function withImports(file: string): string {
  const text = readFileSync(file, 'utf8');
  const local = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) => join(file, '..', `${m[1]}.ts`)).filter((f) => f.startsWith('test/'));
  return [text, ...local.map((f) => { try { return readFileSync(f, 'utf8'); } catch { return ''; } })].join('\n');
}

const isolated = (file: string) =>
  ISOLATED_TEST_FILES.some((pattern) => (pattern.endsWith('/**/*.test.ts') ? file.startsWith(pattern.slice(0, -'**/*.test.ts'.length)) : file === pattern));

describe('test isolation', () => {
  it('runs every file that replaces a module or an AWS SDK client in a module graph of its own', () => {
    const replacing = files('test')
      .filter((f) => f.endsWith('.test.ts'))
      .filter((f) => /\bvi\.(do)?mock\(|\bmockClient\(/.test(withImports(f)));
    expect(replacing.length).toBeGreaterThan(0);
    expect(replacing.filter((f) => !isolated(f))).toEqual([]);
  });
});
