import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';

/** Every file below `dir`, path → bytes. */
export function tree(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((d) => d.isFile())
      .map((d) => [relative(dir, join(d.parentPath, d.name)), readFileSync(join(d.parentPath, d.name))]),
  );
}

/** Asserts that two folders (two cloud assemblies) hold the same files, byte for byte. */
export function expectSameBytes(got: string, want: string): void {
  const a = tree(got);
  const b = tree(want);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [file, bytes] of b) expect(a.get(file)!.equals(bytes), file).toBe(true);
}
