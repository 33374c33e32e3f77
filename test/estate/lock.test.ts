import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLock, serializeLock } from '../../src/estate/lock';
import { planEstate } from '../../src/estate/plan';
import { EstateError } from '../../src/manifest/problems';
import { copyExample } from '../support/estate-files';

interface LockJson {
  version: number;
  environments: Record<string, { services: Record<string, { shard: number; priority: number }>; stacks: Record<string, { service?: string; claims: string[]; deployed?: boolean }> }>;
}
const problemsOf = (read: () => unknown) => {
  try {
    read();
  } catch (e) {
    if (e instanceof EstateError) return e.problems;
    throw e;
  }
  throw new Error('expected the lock to be refused');
};

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
    // Nothing 0.1 built was added or moved: the migration changes the file, not the estate. Only
    // kinds 0.1 did not build (it built web services alone) are new.
    expect(plan.changes.added.filter((a) => a.kind === 'web')).toEqual([]);
    expect(plan.changes.moved).toEqual([]);
    const newServiceKinds = plan.changes.added.map((a) => a.kind);
    // 0.1 had no certificate stacks and no delivery stacks either.
    expect(plan.newStacks.filter((s) => !s.endsWith('-certificate') && !s.startsWith('justice-delivery'))).toHaveLength(newServiceKinds.length);
  });

  it('is the committed example lock, unchanged by a plan of the unchanged example', async () => {
    const dir = copyExample();
    const before = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const plan = await planEstate(dir, { out: join(dir, '..', 'out') });
    expect(plan.lock.changed).toBe(false);
    expect(serializeLock(readLock(dir).lock)).toBe(before);
  });

  it.each([
    [
      'two services at one priority (said once, as the contradiction it makes)',
      (l: LockJson) => (l.environments.staging.services['find-a-court'].priority = l.environments.staging.services['book-a-prison-visit'].priority),
      'environments.staging.services.find-a-court',
      /says shard 0, priority 2, but its stack justice-staging-find-a-court holds priority 3 on shard 0/,
    ],
    [
      'a service placed elsewhere than its stack',
      (l: LockJson) => (l.environments.staging.services['find-a-court'].shard = 7),
      'environments.staging.services.find-a-court',
      /says shard 7, priority 3, but its stack justice-staging-find-a-court holds priority 3 on shard 0/,
    ],
    [
      'a stack of a service the lock does not list',
      (l: LockJson) => (l.environments.staging.stacks['justice-staging-find-a-court'].service = 'nope'),
      'environments.staging.stacks.justice-staging-find-a-court.service',
      /is nope, which the lock's services do not list/,
    ],
    [
      'a claim cityplan never writes',
      (l: LockJson) => l.environments.staging.stacks['justice-staging-find-a-court'].claims.push('garbage'),
      'environments.staging.stacks.justice-staging-find-a-court',
      /holds 'garbage', which is not a claim cityplan writes/,
    ],
    ['a version from a newer cityplan', (l: LockJson) => (l.version = 3), 'version', /written by a newer cityplan \(lock version 3/],
    ['version 1 over version 2 content', (l: LockJson) => (l.version = 1), 'version', /is 1, but the lock holds what only version 2 writes/],
    ['a wrong type', (l: LockJson) => ((l.environments.staging.services['find-a-court'] as { priority: unknown }).priority = 'three'), 'environments.staging.services.find-a-court.priority', /^must be a number; restore/],
  ])('refuses a lock of a deployed estate edited by hand: %s', (_what, edit, field, message) => {
    const dir = copyExample();
    const lock = JSON.parse(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')) as LockJson;
    for (const env of Object.values(lock.environments)) for (const stack of Object.values(env.stacks)) stack.deployed = true;
    edit(lock);
    writeFileSync(join(dir, 'cityplan.lock.json'), JSON.stringify(lock));
    expect(problemsOf(() => readLock(dir))).toEqual([expect.objectContaining({ file: 'cityplan.lock.json', field, message: expect.stringMatching(message) })]);
  });

  it('places again what two merged branches each added, when neither was deployed', async () => {
    // GIVEN two services at one priority, as a clean merge of two branches leaves them
    const dir = copyExample();
    const lock = JSON.parse(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')) as LockJson;
    lock.environments.staging.services['find-a-court'].priority = lock.environments.staging.services['book-a-prison-visit'].priority;
    writeFileSync(join(dir, 'cityplan.lock.json'), JSON.stringify(lock));
    // THEN the plan keeps one and places the other afresh
    const plan = await planEstate(dir, { environment: 'staging', out: join(dir, '..', 'out') });
    const priorities = plan.environments[0]!.services.filter((s) => s.kind === 'web').map((s) => s.priority);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  it('says where merge conflict markers are, and which side to take', () => {
    const dir = copyExample();
    const path = join(dir, 'cityplan.lock.json');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines.splice(5, 0, '<<<<<<< HEAD');
    writeFileSync(path, lines.join('\n'));
    expect(problemsOf(() => readLock(dir))).toEqual([
      expect.objectContaining({ file: 'cityplan.lock.json', line: 6, message: expect.stringContaining('unresolved merge conflict markers: take one side whole') }),
    ]);
  });

  it('reads a lock an editor saved with a byte-order mark, and says a folder in its place is a folder', () => {
    const dir = copyExample();
    const path = join(dir, 'cityplan.lock.json');
    writeFileSync(path, `\uFEFF${readFileSync(path, 'utf8')}`);
    expect(readLock(dir).origin).toBe('current');
    rmSync(path);
    mkdirSync(path);
    expect(problemsOf(() => readLock(dir))).toEqual([expect.objectContaining({ message: expect.stringContaining('is a folder') })]);
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
