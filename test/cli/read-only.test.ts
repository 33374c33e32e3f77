/**
 * Plans in a read-only estate folder. Tests run as root here, and root writes through chmod, so
 * the folder is made read-only for cityplan's own file-system calls: each call that would change
 * something in it fails as on a read-only mount (EROFS). The CDK writes the assembly with its own
 * `fs`, which stays real: the assembly goes to --out, outside the estate.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cityplan } from '../support/cli';
import { copyExample } from '../support/estate-files';

const readOnly = vi.hoisted(() => ({ dir: '' }));

vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const inside = (path: unknown) => readOnly.dir !== '' && `${String(path)}${sep}`.startsWith(`${readOnly.dir}${sep}`);
  const refuse = (syscall: string, path: unknown) =>
    Object.assign(new Error(`EROFS: read-only file system, ${syscall} '${String(path)}'`), { code: 'EROFS', errno: -30, syscall, path: String(path) });
  // Each call that changes what is at its path(s); rmSync of nothing changes nothing, as on a real mount.
  const guarded = {
    writeFileSync: (path: unknown, ...rest: unknown[]) => {
      if (inside(path)) throw refuse('open', path);
      return (fs.writeFileSync as (...a: unknown[]) => void)(path, ...rest);
    },
    mkdirSync: (path: unknown, ...rest: unknown[]) => {
      if (inside(path)) throw refuse('mkdir', path);
      return (fs.mkdirSync as (...a: unknown[]) => unknown)(path, ...rest);
    },
    renameSync: (from: unknown, to: unknown) => {
      if (inside(from) || inside(to)) throw refuse('rename', inside(from) ? from : to);
      return fs.renameSync(from as string, to as string);
    },
    rmSync: (path: unknown, ...rest: unknown[]) => {
      if (inside(path) && fs.existsSync(path as string)) throw refuse('rm', path);
      return (fs.rmSync as (...a: unknown[]) => void)(path, ...rest);
    },
  };
  return { ...fs, ...guarded, default: { ...fs, ...guarded } };
});

// Deploy must stop before AWS; if it did not, this toolkit says so instead of calling AWS.
vi.mock('@aws-cdk/toolkit-lib', async (original) => {
  const real = await original<typeof import('@aws-cdk/toolkit-lib')>();
  class Toolkit {
    constructor() {
      throw new Error('the toolkit was reached');
    }
  }
  return { ...real, Toolkit };
});

/** A previous plan's assembly manifest: CDK's schema version and artifacts. */
const PREVIOUS = '{"version":"55.0.0","artifacts":{}}';

/** A previous assembly at a new --out. */
function previousAssembly(): string {
  const out = join(tmpdir(), `cityplan-read-only-${process.pid}-${Math.random().toString(36).slice(2)}`, 'cdk.out');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'manifest.json'), PREVIOUS);
  writeFileSync(join(out, 'cdk.out'), '{"version":"55.0.0"}');
  return out;
}

describe('plan in a read-only estate folder', () => {
  afterEach(() => {
    readOnly.dir = '';
  });

  it('exits 1 saying the lock cannot be written and what to do, and changes neither --out nor the lock', async () => {
    // GIVEN an estate whose lock the plan changes (it has none), in a read-only folder
    const dir = copyExample();
    rmSync(join(dir, 'cityplan.lock.json'));
    const out = previousAssembly();
    readOnly.dir = dir;

    const { code, stdout, stderr } = await cityplan('plan', dir, '--out', out, '--json');

    expect(code).toBe(1);
    expect(stderr).toBe(
      `cityplan: cannot write cityplan.lock.json in ${dir}: the file system is read-only (EROFS); make the folder writable, or plan a copy of the estate\n`,
    );
    expect(JSON.parse(stdout)).toEqual({ problems: [{ file: join(dir, 'cityplan.lock.json'), line: null, column: null, field: null, message: expect.stringMatching(/^cannot write cityplan.lock.json in /) }] });
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(PREVIOUS);
    expect(readdirSync(dirname(out))).toEqual(['cdk.out']);
    expect(existsSync(join(dir, 'cityplan.lock.json'))).toBe(false);
  });

  it('plans as usual when the lock does not change: only --out is written', async () => {
    const dir = copyExample();
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const out = previousAssembly();
    readOnly.dir = dir;

    const { code, stdout } = await cityplan('plan', dir, '--out', out);

    expect(code).toBe(0);
    expect(stdout).toMatch(/lock: .* unchanged/);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).not.toBe(PREVIOUS);
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
  });

  it('deploy refuses before planning or touching AWS when the lock could not record what it did', async () => {
    const dir = copyExample();
    const out = join(dirname(previousAssembly()), 'deploy.out');
    readOnly.dir = dir;

    const { code, stderr } = await cityplan('deploy', dir, '--out', out);

    expect(code).toBe(1);
    expect(stderr).toContain(`cityplan: cannot write cityplan.lock.json in ${dir}: the file system is read-only (EROFS)`);
    expect(existsSync(out)).toBe(false);
  });
});
