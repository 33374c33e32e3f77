import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { allocateEstate } from '../../src/estate/allocation';
import { compileEstate, type CompileOptions } from '../../src/estate/compile';
import { emptyLock } from '../../src/estate/lock';
import { loadEstate } from '../../src/manifest/load';
import { writeEstate } from './estate-files';

/** Compiles an estate (a folder, or files to write) into an app; finds stacks by name. */
export function compile(estate: string | Record<string, string>, options: Partial<CompileOptions> = {}) {
  const dir = typeof estate === 'string' ? estate : writeEstate(estate);
  const spec = loadEstate(dir);
  const { environments } = allocateEstate(spec, emptyLock());
  const outdir = mkdtempSync(join(tmpdir(), 'cityplan-out-'));
  const compiled = compileEstate(spec, environments, { outdir, ...options });
  const stack = (name: string): Stack => {
    const found = compiled.stacks.find((s) => s.stack.stackName === name);
    if (!found) throw new Error(`no stack ${name}; have ${compiled.stacks.map((s) => s.stack.stackName).join(', ')}`);
    return found.stack;
  };
  return { ...compiled, spec, allocation: environments, stack, template: (name: string) => Template.fromStack(stack(name)) };
}
