import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allocateEstate } from '../../src/estate/allocation';
import { compileEstate } from '../../src/estate/compile';
import { emptyLock } from '../../src/estate/lock';
import { planStacks } from '../../src/estate/stack-plan';
import { synthesizeInWorkers, synthesizeStacks } from '../../src/estate/synthesize';
import { loadEstate } from '../../src/manifest/load';
import { generatedEstateFiles, writeEstate } from '../support/estate-files';

// The worker entry is the built bundle; `npm test` builds before it runs the tests.
const WORKER = resolve('dist/synth-worker.js');
const scratch = (name: string) => mkdtempSync(join(tmpdir(), `cityplan-${name}-`));
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

describe('synthesis in several apps and worker threads', () => {
  // GIVEN 245 stacks: more than one app's worth (100), and worth splitting over workers
  const dir = writeEstate(generatedEstateFiles(120));
  const spec = loadEstate(dir);
  const { environments } = allocateEstate(spec, emptyLock());
  const planned = planStacks(spec, environments);

  // The reference: every stack in one CDK app.
  const reference = scratch('one-app');
  compileEstate(spec, environments, { outdir: reference }).app.synth();

  function expectSameAssembly(dir: string): void {
    expect(readdirSync(dir).sort()).toEqual(readdirSync(reference).sort());
    for (const file of readdirSync(reference).filter((f) => f.endsWith('.template.json'))) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toBe(readFileSync(join(reference, file), 'utf8'));
    }
    const want = manifest(reference).artifacts;
    const got = manifest(dir).artifacts;
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const id of Object.keys(want)) {
      expect(new Set(got[id].dependencies ?? []), `dependencies of ${id}`).toEqual(new Set(want[id].dependencies ?? []));
    }
  }

  it('in this process, app by app, gives the assembly one app gives', () => {
    const out = scratch('apps');
    const result = synthesizeStacks(spec, environments, planned, out);
    expect(result.stacks.map((s) => s.name)).toEqual(planned.map((p) => p.name));
    expect(result.findings).toEqual([]);
    expectSameAssembly(out);
  });

  it.skipIf(!existsSync(WORKER))('in worker threads, gives the same assembly, findings and sizes', async () => {
    const inProcess = synthesizeStacks(spec, environments, planned, scratch('apps'));
    const out = scratch('workers');
    // Two at a time, at most 100 stacks each: four parts in two rounds, each started when one has ended.
    const inWorkers = await synthesizeInWorkers({ spec, allocation: environments }, planned, out, 2, WORKER, 100);
    // Acknowledgements, with their reasons, come back from the workers in the order one process gives.
    expect(inProcess.acknowledgements.length).toBeGreaterThan(planned.length);
    expect(inWorkers).toEqual(inProcess);
    expectSameAssembly(out);
  });

  it.skipIf(!existsSync(WORKER))('builds in worker threads the estate the plan read, not the files as they are now', async () => {
    // GIVEN a manifest edited on disk after the plan read the estate (its cache keys come from what it read)
    const file = join(dir, 'services', 'service-0001.yaml');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, `${before}env:\n  EDITED: "1"\n`);
    try {
      const out = scratch('edited');
      // A few service stacks, over two workers: enough to build in threads, cheap enough to repeat.
      const some = planned.filter((p) => p.role === 'service').slice(0, 6);
      await synthesizeInWorkers({ spec, allocation: environments }, some, out, 2, WORKER, 3);
      // THEN the stack is the one of the estate as read
      const template = (d: string) => readFileSync(join(d, 'test-staging-service-0001.template.json'), 'utf8');
      expect(template(out)).not.toContain('EDITED');
      expect(template(out)).toBe(template(reference));
    } finally {
      writeFileSync(file, before);
    }
  });
});
