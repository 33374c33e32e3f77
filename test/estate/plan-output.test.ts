import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanOutput } from '../../src/estate/plan-output';
import { FileError } from '../../src/files/file-error';

/** A previous plan's assembly manifest: CDK's schema version and artifacts. */
const OLD_MANIFEST = '{"version":"55.0.0","artifacts":{}}';

/** An estate folder with a lock, and a previous assembly at `out`, side by side. */
function scene() {
  const root = mkdtempSync(join(tmpdir(), 'cityplan-output-'));
  const estate = join(root, 'estate');
  const out = join(root, 'cdk.out');
  mkdirSync(estate);
  writeFileSync(join(estate, 'cityplan.lock.json'), 'old lock');
  mkdirSync(out);
  writeFileSync(join(out, 'manifest.json'), OLD_MANIFEST);
  writeFileSync(join(out, 'cdk.out'), '{"version":"55.0.0"}');
  return { root, estate, out };
}

describe('PlanOutput', () => {
  it('puts the new assembly and lock in place on commit, and leaves nothing beside them', async () => {
    const { root, estate, out } = scene();
    const output = PlanOutput.open(out);
    writeFileSync(join(output.staging, 'manifest.json'), 'new assembly');
    output.stageLock(estate, 'new lock');
    await output.commit();
    output.discard();
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe('new assembly');
    expect(readFileSync(join(estate, 'cityplan.lock.json'), 'utf8')).toBe('new lock');
    expect(readdirSync(root).sort()).toEqual(['cdk.out', 'estate']);
    expect(readdirSync(estate)).toEqual(['cityplan.lock.json']);
  });

  it('puts the previous assembly back when the lock cannot be renamed into place', async () => {
    // GIVEN a folder where the lock goes: its temp file is written, but cannot replace it
    // (as root, chmod would not stop the rename; a folder in the way does)
    const { root, estate, out } = scene();
    const output = PlanOutput.open(out);
    writeFileSync(join(output.staging, 'manifest.json'), 'new assembly');
    output.stageLock(estate, 'new lock');
    const lock = join(estate, 'cityplan.lock.json');
    rmSync(lock);
    mkdirSync(join(lock, 'in-the-way'), { recursive: true });

    await expect(output.commit()).rejects.toThrow(FileError);
    output.discard();

    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(OLD_MANIFEST);
    expect(existsSync(join(lock, 'in-the-way'))).toBe(true);
    expect(readdirSync(root).sort()).toEqual(['cdk.out', 'estate']);
    expect(readdirSync(estate)).toEqual(['cityplan.lock.json']);
  });
});
