import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateEstate } from '../../src/estate/allocation';
import { emptyLock } from '../../src/estate/lock';
import { planStacks } from '../../src/estate/stack-plan';
import { synthesizeInWorkers, synthesizeStacks } from '../../src/estate/synthesize';
import { loadEstate } from '../../src/manifest/load';
import { generatedEstateFiles, writeEstate } from '../support/estate-files';

// The worker entry is the built bundle; `npm test` builds before it runs the tests.
const WORKER = resolve('dist/synth-worker.js');

describe('synthesis in worker threads', () => {
  it.skipIf(!existsSync(WORKER))('produces the same assembly, findings and sizes as one process', async () => {
    const dir = writeEstate(generatedEstateFiles(120));
    const spec = loadEstate(dir);
    const { lock, environments } = allocateEstate(spec, emptyLock());
    const planned = planStacks(spec, environments);
    const single = mkdtempSync(join(tmpdir(), 'cityplan-single-'));
    const parallel = mkdtempSync(join(tmpdir(), 'cityplan-parallel-'));

    const one = synthesizeStacks(spec, environments, planned, single);
    const many = await synthesizeInWorkers({ dir, lock }, planned, parallel, 3, WORKER);

    expect(many).toEqual(one);
    expect(readdirSync(parallel).sort()).toEqual(readdirSync(single).sort());
    for (const file of readdirSync(single).filter((f) => f.endsWith('.template.json'))) {
      expect(readFileSync(join(parallel, file), 'utf8'), file).toBe(readFileSync(join(single, file), 'utf8'));
    }
    const manifest = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8'));
    const a = manifest(single);
    const b = manifest(parallel);
    expect(Object.keys(b.artifacts)).toEqual(Object.keys(a.artifacts));
    for (const id of Object.keys(a.artifacts)) {
      expect(new Set(b.artifacts[id].dependencies ?? []), id).toEqual(new Set(a.artifacts[id].dependencies ?? []));
    }
  });
});
