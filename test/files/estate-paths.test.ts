/** estateOwnFile: which --out paths would write over the estate's own files or folders. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { estateOwnFile, refuseEstateOwnFile } from '../../src/files/estate-paths';
import { UsageError } from '../../src/manifest/problems';

function estate(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'cityplan-own-')), 'estate');
  mkdirSync(join(dir, 'services'), { recursive: true });
  writeFileSync(join(dir, 'estate.yaml'), 'name: x\n');
  writeFileSync(join(dir, 'cityplan.lock.json'), '{}\n');
  return dir;
}

describe('estateOwnFile', () => {
  it('names the estate folder, its manifests, its lock and anything under services/, runbooks/, .schema/, the plan cache folder .cityplan/ and .git/', () => {
    const dir = estate();
    expect(estateOwnFile(dir, dir)).toBe('the estate folder');
    expect(estateOwnFile(dir, join(dir, 'estate.yaml'))).toBe('estate.yaml');
    expect(estateOwnFile(dir, join(dir, 'cityplan.lock.json'))).toBe('cityplan.lock.json');
    expect(estateOwnFile(dir, join(dir, 'services'))).toBe('services/');
    expect(estateOwnFile(dir, join(dir, 'services', 'x.yaml'))).toBe('services/');
    // Folders that are not there yet are the estate's all the same: the loader would read them.
    expect(estateOwnFile(dir, join(dir, 'runbooks', 'r.yaml'))).toBe('runbooks/');
    expect(estateOwnFile(dir, join(dir, '.schema', 'service.schema.json'))).toBe('.schema/');
    expect(estateOwnFile(dir, join(dir, '.cityplan', 'cache'))).toBe('.cityplan/');
    expect(estateOwnFile(dir, join(dir, '.git', 'HEAD'))).toBe('.git/');
    expect(estateOwnFile(dir, join(dir, 'x', '..', 'estate.yaml'))).toBe('estate.yaml');
  });

  it('passes paths beside the estate files, outside the folder and relative ones that resolve elsewhere', () => {
    const dir = estate();
    expect(estateOwnFile(dir, join(dir, 'report.html'))).toBeUndefined();
    expect(estateOwnFile(dir, join(dir, 'cdk.out'))).toBeUndefined();
    expect(estateOwnFile(dir, join(dir, 'services.html'))).toBeUndefined();
    expect(estateOwnFile(dir, join(dir, '..', 'report.html'))).toBeUndefined();
    expect(estateOwnFile(dir, relative(process.cwd(), join(dir, '..', 'estate.yaml')))).toBeUndefined();
    expect(estateOwnFile(relative(process.cwd(), dir), relative(process.cwd(), join(dir, 'estate.yaml')))).toBe('estate.yaml');
  });

  it('follows symlinks: a link to the lock, or an estate reached through a link, is the estate', () => {
    const dir = estate();
    const outside = join(dir, '..');
    symlinkSync(join(dir, 'cityplan.lock.json'), join(outside, 'lock-link.json'));
    symlinkSync(dir, join(outside, 'estate-link'));
    symlinkSync(join(dir, 'services'), join(outside, 'services-link'));
    expect(estateOwnFile(dir, join(outside, 'lock-link.json'))).toBe('cityplan.lock.json');
    expect(estateOwnFile(join(outside, 'estate-link'), join(dir, 'estate.yaml'))).toBe('estate.yaml');
    expect(estateOwnFile(dir, join(outside, 'services-link', 'new.yaml'))).toBe('services/');
  });

  it('refuses with a usage error naming the file and what to do instead', () => {
    const dir = estate();
    const refuse = () => refuseEstateOwnFile(dir, join(dir, 'estate.yaml'), '--out', 'report.html');
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(/--out .*estate\.yaml is the estate's own estate\.yaml .*choose a path outside the estate's own files, such as --out report\.html/);
    expect(() => refuseEstateOwnFile(dir, join(dir, 'report.html'), '--out', 'report.html')).not.toThrow();
  });

  it('refuses an empty path, which would mean the current folder', () => {
    const refuse = () => refuseEstateOwnFile(estate(), '', '--out', 'cdk.out');
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow('--out is empty: give the path to write, such as --out cdk.out');
  });
});
