import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLock, serializeLock } from '../../src/estate/lock';
import { planEstate } from '../../src/estate/plan';
import { EstateError } from '../../src/manifest/problems';
import { copyExample } from '../support/estate-files';

// The example's lock as cityplan 0.1 wrote it (version 1: shard and priority of web services).
const V1 = join(__dirname, 'lock-v1.fixture.json');

describe('cityplan.lock.json', () => {
  it('reads a version 1 lock and keeps every placement it made when the next plan rewrites it', async () => {
    const dir = copyExample();
    copyFileSync(V1, join(dir, 'cityplan.lock.json'));
    const v1 = JSON.parse(readFileSync(V1, 'utf8')) as { environments: Record<string, { services: Record<string, object> }> };
    expect(readLock(dir).origin).toBe('migrated');

    const plan = await planEstate(dir, { out: join(dir, '..', 'out') });

    const lock = readLock(dir);
    expect(lock.origin).toBe('current');
    expect(lock.lock).toMatchObject({ version: 2, estate: 'justice' });
    for (const [env, { services }] of Object.entries(v1.environments)) {
      expect(lock.lock.environments[env]).toMatchObject({ account: expect.stringMatching(/^\d{12}$/), region: 'eu-west-2' });
      for (const [service, placement] of Object.entries(services)) expect(lock.lock.environments[env]!.services[service]).toMatchObject(placement);
    }
    expect(plan.changes.flags).toEqual([expect.stringContaining('written by cityplan 0.1')]);
    // Nothing was added or moved: the migration changes the file, not the estate.
    expect(plan.changes.added).toEqual([]);
    expect(plan.changes.moved).toEqual([]);
    expect(plan.newStacks.filter((s) => !s.endsWith('-certificate'))).toEqual([]);
  });

  it('is the committed example lock, unchanged by a plan of the unchanged example', async () => {
    const dir = copyExample();
    const before = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const plan = await planEstate(dir, { out: join(dir, '..', 'out') });
    expect(plan.lock.changed).toBe(false);
    expect(serializeLock(readLock(dir).lock)).toBe(before);
  });

  it('names the field a damaged lock gets wrong, and says to restore it', () => {
    const dir = copyExample();
    const lock = JSON.parse(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8'));
    lock.environments.staging.services['find-a-court'].priority = 0;
    writeFileSync(join(dir, 'cityplan.lock.json'), JSON.stringify(lock));
    expect(() => readLock(dir)).toThrow(EstateError);
    try {
      readLock(dir);
    } catch (e) {
      expect((e as EstateError).problems).toEqual([
        expect.objectContaining({ file: 'cityplan.lock.json', field: 'environments.staging.services.find-a-court.priority', message: expect.stringContaining('restore it from version control') }),
      ]);
    }
  });
});
