/**
 * Plan benchmark: generates estates of N services, web services only and every kind mixed (see
 * mixedEstateFiles: web, backends, workers with queues and topics, jobs), and times, in a fresh
 * process each, a full plan and a one-service re-plan. Prints the median wall time (and range over
 * runs), the largest peak memory, and the size of the lock the plan wrote.
 *
 *   npm run bench:plan -- [--services 100,1000] [--environments 1,2] [--runs 3] [--kinds web,mixed] [--pipelines]
 *
 * --pipelines names the estate's repository (delivery.repo), so that every service also gets its
 * pipeline stack in the delivery account: the figures with and without it are the pipelines' cost.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generatedEstateFiles, mixedEstateFiles, writeEstate } from '../test/support/estate-files';

function option(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]!.split(',').map(Number) : fallback;
}

interface Run {
  readonly seconds: number;
  readonly peakMiB: number;
}

function run(args: string[]): Run {
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

function summary(runs: readonly Run[]): string {
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  const range = seconds.length > 1 ? ` (${seconds[0]!.toFixed(1)}–${seconds.at(-1)!.toFixed(1)})` : '';
  const peak = Math.max(...runs.map((r) => r.peakMiB));
  return `${median.toFixed(1).padStart(5)} s${range} ${peak.toFixed(0).padStart(5)} MiB`;
}

const [runs] = option('runs', [1]);
const kindsArg = process.argv.indexOf('--kinds');
const kinds = kindsArg > 0 ? process.argv[kindsArg + 1]!.split(',') : ['web', 'mixed'];
const pipelines = process.argv.includes('--pipelines');

/** The estate's files, with delivery.repo when pipelines are asked for. */
function withPipelines(files: Record<string, string>): Record<string, string> {
  if (!pipelines) return files;
  return { ...files, 'estate.yaml': files['estate.yaml']!.replace(/^( {2}connectionArn: .*)$/m, '$1\n  repo: example/estate') };
}

/** Plans one generated estate `runs` times, whole and one service, and prints one line of figures. */
function measure(services: number, environments: 1 | 2, kind: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'cityplan-bench-'));
  const dir = writeEstate(withPipelines(kind === 'mixed' ? mixedEstateFiles(services, environments) : generatedEstateFiles(services, environments)), scratch);
  const full: Run[] = [];
  const one: Run[] = [];
  for (let i = 0; i < runs!; i++) {
    full.push(run(['plan', dir, '--out', join(scratch, `full-${i}`), '--json']));
    one.push(run(['plan', dir, '--out', join(scratch, `one-${i}`), '--service', 'service-0001', '--json']));
  }
  // The lock holds every stack's claims: its size grows with the estate.
  const lockKiB = statSync(join(dir, 'cityplan.lock.json')).size / 1024;
  console.log(
    `${String(services).padStart(5)} ${kind.padEnd(5)} services × ${environments} env   full plan ${summary(full)}   one-service re-plan ${summary(one)}   lock ${lockKiB.toFixed(0)} KiB`,
  );
  rmSync(scratch, { recursive: true, force: true });
}

for (const environments of option('environments', [1, 2]) as Array<1 | 2>) {
  for (const services of option('services', [100, 1000])) {
    for (const kind of kinds) measure(services, environments, kind);
  }
}
