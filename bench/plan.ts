/**
 * Plan benchmark: generates estates of N web services and times, in a fresh process each,
 * a full plan and a one-service re-plan. Prints wall time and peak memory.
 *
 *   npm run bench:plan -- [--services 100,1000] [--environments 1,2]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generatedEstateFiles, writeEstate } from '../test/support/estate-files';

function option(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]!.split(',').map(Number) : fallback;
}

function run(args: string[]): { seconds: number; peakMiB: number } {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['--require', resolve('bench/report-usage.cjs'), resolve('bin/cityplan.js'), ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (child.status !== 0) throw new Error(`cityplan ${args.join(' ')} exited ${child.status}:\n${child.stderr.slice(0, 2000)}`);
  const kb = Number(/bench:maxrss-kb=(\d+)/.exec(child.stderr)?.[1] ?? NaN);
  return { seconds, peakMiB: kb / 1024 };
}

const rows: string[] = [];
for (const environments of option('environments', [1, 2]) as Array<1 | 2>) {
  for (const services of option('services', [100, 1000])) {
    const scratch = mkdtempSync(join(tmpdir(), 'cityplan-bench-'));
    const dir = writeEstate(generatedEstateFiles(services, environments), scratch);
    const out = join(scratch, 'cdk.out');
    const full = run(['plan', dir, '--out', out, '--json']);
    const one = run(['plan', dir, '--out', join(scratch, 'one.out'), '--service', 'service-0001', '--json']);
    rows.push(
      `${String(services).padStart(6)} services × ${environments} env  full plan ${full.seconds.toFixed(1).padStart(6)} s ${full.peakMiB.toFixed(0).padStart(6)} MiB   one-service re-plan ${one.seconds.toFixed(1).padStart(5)} s ${one.peakMiB.toFixed(0).padStart(5)} MiB`,
    );
    console.log(rows.at(-1));
    rmSync(scratch, { recursive: true, force: true });
  }
}
