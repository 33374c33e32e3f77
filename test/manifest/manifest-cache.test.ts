/**
 * The cache of parsed service files (src/manifest/manifest-cache.ts): what it gives is what parsing
 * gives, positions in problems included, and it keeps no file with a problem.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANIFEST_CACHE_DIR, ManifestCache } from '../../src/manifest/manifest-cache';
import { serviceFile } from '../../src/manifest/schema';
import { checkShape } from '../../src/manifest/shape';
import { YamlSource } from '../../src/manifest/yaml-source';
import { cityplan } from '../support/cli';
import { mixedEstateFiles, STAGING_ESTATE, webService, writeEstate } from '../support/estate-files';

const scratch = (name: string) => mkdtempSync(join(tmpdir(), `cityplan-${name}-`));

const TEXT = `name: visits
kind: web
owner: team@example.gov.uk
image: public.ecr.aws/docker/library/nginx:1.27
env: &env
  LEVEL: info
  MODE: live
calls: [search, portal]
environments:
  production:
    env:
      <<: *env
      MODE: test
`;

describe('a service file from the cache', () => {
  /** A checker that counts its calls. */
  function counting() {
    const calls: unknown[] = [];
    return { calls, check: (source: YamlSource, data: unknown) => (calls.push(data), checkShape(serviceFile, source, data)) };
  }

  it('has the data, checked fields and positions of the file parsed afresh, without parsing or checking it again', () => {
    // GIVEN a file read once through the cache, and the cache saved
    const dir = scratch('estate');
    const path = join(dir, 'visits.yaml');
    writeFileSync(path, TEXT);
    const first = ManifestCache.open(dir, 'code');
    const fresh = counting();
    const parsed = first.read(path, 'services/visits.yaml', fresh.check);
    expect(fresh.calls).toHaveLength(1);
    first.save();

    // WHEN a later plan reads it
    const later = counting();
    const cached = ManifestCache.open(dir, 'code').read(path, 'services/visits.yaml', later.check);

    // THEN nothing was checked again, and it reads as it did, to the line and column of any field
    expect(later.calls).toHaveLength(0);
    expect(cached.problems).toEqual([]);
    expect(cached.shape).toEqual(parsed.shape);
    expect(cached.source!.data()).toEqual(parsed.source!.data());
    const paths = [[['calls', 1], false], [['env', 'LEVEL'], false], [['environments', 'production', 'env', 'LEVEL'], false], [['environments', 'production', 'env', 'MODE'], true], [['memory'], false], [[], false]] as const;
    for (const [path, atKey] of paths) {
      expect(cached.source!.problem(path, 'm', atKey)).toEqual(parsed.source!.problem(path, 'm', atKey));
    }
  });

  it('is read afresh when its text, its name or the reading code changed, or the cache is damaged', () => {
    const dir = scratch('estate');
    const path = join(dir, 'visits.yaml');
    writeFileSync(path, TEXT);
    const cache = ManifestCache.open(dir, 'code');
    cache.read(path, 'services/visits.yaml', counting().check);
    cache.save();

    const misses = (code: string, file = 'services/visits.yaml') => {
      const counted = counting();
      ManifestCache.open(dir, code).read(path, file, counted.check);
      return counted.calls.length;
    };
    expect(misses('code')).toBe(0);
    expect(misses('other code')).toBe(1);
    expect(misses('code', 'services/other.yaml')).toBe(1);
    writeFileSync(path, TEXT.replace('MODE: live', 'MODE: test'));
    expect(misses('code')).toBe(1);
    writeFileSync(path, TEXT);
    writeFileSync(join(dir, MANIFEST_CACHE_DIR, 'files.bin'), 'not a cache');
    expect(misses('code')).toBe(1);
  });

  it('never keeps a file with a problem', () => {
    const dir = scratch('estate');
    const path = join(dir, 'visits.yaml');
    writeFileSync(path, `${TEXT}memroy: 512\n`);
    const cache = ManifestCache.open(dir, 'code');
    const read = cache.read(path, 'services/visits.yaml', counting().check);
    expect(read.shape!.problems).not.toEqual([]);
    cache.save();

    const again = counting();
    const reread = ManifestCache.open(dir, 'code').read(path, 'services/visits.yaml', again.check);
    expect(again.calls).toHaveLength(1);
    expect(reread.shape).toEqual(read.shape);
  });
});

describe('a plan through the cache of service files', () => {
  it('reports a problem in an unchanged file at the line a plan without the cache reports', async () => {
    // GIVEN an estate planned once (its files cached), whose visits service calls search
    const dir = writeEstate({
      'estate.yaml': STAGING_ESTATE,
      'services/search.yaml': webService('search'),
      'services/portal.yaml': webService('portal'),
      'services/visits.yaml': webService('visits', 'env:\n  MODE: live\ncalls: [portal, search]\n'),
    });
    const out = join(scratch('out'), 'cdk.out');
    expect((await cityplan('plan', dir, '--out', out)).code).toBe(0);
    expect(readFileSync(join(dir, MANIFEST_CACHE_DIR, '.gitignore'), 'utf8')).toBe('*\n');

    // WHEN search's file goes: the problem is at visits' unchanged `calls`
    rmSync(join(dir, 'services', 'search.yaml'));
    const copy = scratch('copy');
    cpSync(dir, copy, { recursive: true });
    const cached = await cityplan('plan', dir, '--out', out, '--json');
    const fresh = await cityplan('plan', copy, '--out', out, '--json', '--no-cache');

    // THEN both say the same, at the same line and column
    expect(cached.code).toBe(1);
    const problems = JSON.parse(cached.stdout).problems as Array<{ file: string; line?: number }>;
    expect(problems.some((p) => p.file === 'services/visits.yaml' && p.line === 8)).toBe(true);
    expect(cached.stdout).toBe(fresh.stdout);
    expect(cached.stderr).toBe(fresh.stderr);
  });

  it('plans an estate of every kind to the same plan with and without it', async () => {
    const dir = writeEstate(mixedEstateFiles(10));
    const outs = [join(scratch('a'), 'cdk.out'), join(scratch('b'), 'cdk.out'), join(scratch('c'), 'cdk.out')];
    const plain = (r: { stdout: string }) => ({ ...JSON.parse(r.stdout), assembly: undefined, cache: undefined });
    expect(readFileSync(join(dir, 'services', 'service-0003.yaml'), 'utf8')).toMatch(/bucket/);
    // The first plan fills the cache, the second reads every file from it; the third reads none.
    // (A service with a bucket and a cache, which a plan of its own can build before any other.)
    const filling = await cityplan('plan', dir, '--out', outs[0]!, '--json', '--service', 'service-0003');
    const reading = await cityplan('plan', dir, '--out', outs[1]!, '--json', '--service', 'service-0003');
    const without = await cityplan('plan', dir, '--out', outs[2]!, '--json', '--service', 'service-0003', '--no-cache');
    expect(filling.code, filling.stderr).toBe(0);
    // (The first plan wrote the lock the other two find.)
    expect(plain(without)).toEqual(plain(reading));
  });
});
