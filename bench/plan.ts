/**
 * Plan benchmark: generates estates of N services, web services only and every kind mixed (see
 * mixedEstateFiles: web, backends, workers with queues and topics, jobs), and times, in a fresh
 * process each:
 *
 * - the plain-CDK baseline of issue 14 (bench/baseline/app.ts, run with tsx) for N services and for
 *   one service;
 * - a cold full plan (no plan cache nor parsed service files: the estate's first plan, or its
 *   .cityplan folder removed; service stacks alike but for name, shard and priority derived from
 *   one stand-in per shape);
 * - with --all-built, the same plan with every stack built by CDK (`--no-cache`), for comparison;
 * - a warm full plan (the same estate planned again, unchanged stacks served from the cache);
 * - a full plan after one service file changed (warm: that service's stacks are rebuilt);
 * - a one-service re-plan (`plan --service`) after that service changed again (its stacks built);
 *
 * each with its ratio to the baseline (full plans to N services, re-plans to one service; issue 14
 * asks for ≤ 0.55× and ≤ 0.4×). Prints the median wall time (and range over runs), the largest peak
 * memory, and the size of the lock the plan wrote. A plan the estate's quotas refuse (exit 1) is
 * shown as "refused: <its first problem>". Above 1,900 web services, one environment's account would
 * be over its default quotas, so the estate spreads them over two business areas, each with its own
 * staging and production accounts (`runsIn`; test/support/estate-files.ts areaEstateFiles): each
 * service still runs in two environments.
 *
 *   npm run bench:plan -- [--services 100,1000,3000] [--environments 1,2] [--runs 3] [--kinds web,mixed] [--pipelines] [--no-baseline] [--all-built]
 *
 * --pipelines names the estate's repository (delivery.repo), so that every service also gets its
 * pipeline stack in the delivery account: the figures with and without it are the pipelines' cost.
 * Runs alternate baseline and cityplan, so that a busy machine slows both alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { areaEstateFiles, generatedEstateFiles, mixedEstateFiles, writeEstate } from '../test/support/estate-files';

function option(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]!.split(',').map(Number) : fallback;
}

interface Run {
  readonly seconds: number;
  readonly peakMiB: number;
  /** The plan's first problem, when it refused the estate (exit 1). */
  readonly refused?: string;
  /** Stacks the plan reused from its cache, derived from a stand-in of their shape, and built, when it says. */
  readonly cache?: { readonly reused: number; readonly derived?: number; readonly built: number };
}

const USAGE = resolve('bench/report-usage.cjs');

function measured(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): { child: ReturnType<typeof spawnSync>; run: Run } {
  const started = process.hrtime.bigint();
  const child = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30, env });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const kb = Number(/bench:maxrss-kb=(\d+)/.exec(String(child.stderr))?.[1] ?? NaN);
  return { child, run: { seconds, peakMiB: kb / 1024 } };
}

function cityplan(args: string[]): Run {
  const { child, run } = measured(process.execPath, ['--require', USAGE, resolve('bin/cityplan.js'), ...args]);
  const stdout = String(child.stdout);
  if (child.status === 1) {
    const problem = (JSON.parse(stdout) as { problems: Array<{ file: string; message: string }> }).problems[0];
    return { ...run, refused: problem ? `${problem.file}: ${problem.message}` : 'exit 1' };
  }
  if (child.status !== 0) throw new Error(`cityplan ${args.join(' ')} exited ${child.status}:\n${String(child.stderr).slice(0, 2000)}`);
  const cache = (JSON.parse(stdout) as { cache?: Run['cache'] }).cache;
  return { ...run, ...(cache ? { cache } : {}) };
}

/** The plain-CDK app of N services, run with tsx (bench/baseline/app.ts). */
function baseline(services: number): Run {
  const out = mkdtempSync(join(tmpdir(), 'cityplan-baseline-'));
  try {
    // tsx runs node with its loader; NODE_OPTIONS reaches that node process.
    const env = { ...process.env, N: String(services), OUT: out, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${USAGE}`.trim() };
    const { child, run } = measured(resolve('node_modules/.bin/tsx'), [resolve('bench/baseline/app.ts')], env);
    if (child.status !== 0) throw new Error(`baseline of ${services} services exited ${child.status}:\n${String(child.stderr).slice(0, 2000)}`);
    return run;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function median(runs: readonly Run[]): number {
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  return seconds[Math.floor(seconds.length / 2)]!;
}

function summary(runs: readonly Run[], against?: readonly Run[]): string {
  const refused = runs.find((r) => r.refused);
  if (refused) return `refused: ${refused.refused}`;
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const range = seconds.length > 1 ? ` (${seconds[0]!.toFixed(1)}–${seconds.at(-1)!.toFixed(1)})` : '';
  const peak = Math.max(...runs.map((r) => r.peakMiB));
  const ratio = against?.length ? ` ${(median(runs) / median(against)).toFixed(2)}×` : '';
  const cache = runs.at(-1)?.cache;
  return `${median(runs).toFixed(2)} s${range}${ratio} ${peak.toFixed(0)} MiB${cache ? ` [reused ${cache.reused}, derived ${cache.derived ?? 0}, built ${cache.built}]` : ''}`;
}

const [runs] = option('runs', [1]);
const kindsArg = process.argv.indexOf('--kinds');
const kinds = kindsArg > 0 ? process.argv[kindsArg + 1]!.split(',') : ['web', 'mixed'];
const pipelines = process.argv.includes('--pipelines');
const withBaseline = !process.argv.includes('--no-baseline');
const withAllBuilt = process.argv.includes('--all-built');

/** The estate's files, with delivery.repo when pipelines are asked for. */
function withPipelines(files: Record<string, string>): Record<string, string> {
  if (!pipelines) return files;
  return { ...files, 'estate.yaml': files['estate.yaml']!.replace(/^( {2}connectionArn: .*)$/m, '$1\n  repo: example/estate') };
}

const baselineOne: Run[] = [];
const baselineOf = new Map<number, Run[]>();

/** Runs the baseline for N services (and for one) once more, up to `runs` times in all. */
function baselineRun(services: number): void {
  if (!withBaseline) return;
  const list = baselineOf.get(services) ?? [];
  baselineOf.set(services, list);
  if (list.length < runs!) list.push(baseline(services));
  if (baselineOne.length < runs!) baselineOne.push(baseline(1));
}

/** Above this many web services, the generated estate spreads them over two areas' accounts. */
const SERVICES_PER_ACCOUNT = 1900;

/** Plans one generated estate `runs` times, cold, warm, changed and one service, and prints its figures. */
function measure(services: number, environments: 1 | 2, kind: string): void {
  const scratch = mkdtempSync(join(tmpdir(), 'cityplan-bench-'));
  // More services than one account's default quotas hold in one environment (about 1,950: 2,000
  // stacks, 2,500 security groups) spread over two areas' staging and production (runsIn).
  const spread = services > SERVICES_PER_ACCOUNT && kind === 'web';
  const files = kind === 'mixed' ? mixedEstateFiles(services, environments) : spread ? areaEstateFiles(services) : generatedEstateFiles(services, environments);
  const dir = writeEstate(withPipelines(files), scratch);
  const changedFile = join(dir, 'services', 'service-0001.yaml');
  const original = readFileSync(changedFile, 'utf8');
  const cold: Run[] = [];
  const warm: Run[] = [];
  const changed: Run[] = [];
  const one: Run[] = [];
  const allBuilt: Run[] = [];
  for (let i = 0; i < runs!; i++) {
    baselineRun(services);
    // Cold: neither the plan cache nor the parsed service files of earlier plans.
    rmSync(join(dir, '.cityplan'), { recursive: true, force: true });
    cold.push(cityplan(['plan', dir, '--out', join(scratch, `cold-${i}`), '--json']));
    if (withAllBuilt && !cold.at(-1)!.refused) allBuilt.push(cityplan(['plan', dir, '--out', join(scratch, `built-${i}`), '--json', '--no-cache']));
    if (cold.at(-1)!.refused) break;
    warm.push(cityplan(['plan', dir, '--out', join(scratch, `warm-${i}`), '--json']));
    // A change only that service's stacks read (its task size), each time a size no plan has cached.
    const sized = (cpu: number, memory: number) => original.replace(/^kind: (.*)$/m, `kind: $1\ncpu: ${cpu}\nmemory: ${memory}`);
    writeFileSync(changedFile, sized(1024, 2048 + 1024 * i));
    changed.push(cityplan(['plan', dir, '--out', join(scratch, `changed-${i}`), '--json']));
    writeFileSync(changedFile, sized(2048, 4096 + 1024 * i));
    one.push(cityplan(['plan', dir, '--out', join(scratch, `one-${i}`), '--service', 'service-0001', '--json']));
    writeFileSync(changedFile, original);
    for (const folder of ['cold', 'built', 'warm', 'changed', 'one']) rmSync(join(scratch, `${folder}-${i}`), { recursive: true, force: true });
  }
  const lockKiB = cold.at(-1)!.refused ? 0 : statSync(join(dir, 'cityplan.lock.json')).size / 1024;
  const full = baselineOf.get(services);
  const label = `${String(services).padStart(5)} ${kind.padEnd(5)} services × ${spread ? '2 env in each of 2 areas (4 accounts, runsIn)' : `${environments} env`}`;
  console.log(`${label}`);
  if (withBaseline) console.log(`   baseline (plain CDK, tsx)    ${services} services ${summary(full!)}   1 service ${summary(baselineOne)}`);
  console.log(`   cold full plan               ${summary(cold, full)}`);
  if (allBuilt.length) console.log(`   every stack built (--no-cache) ${summary(allBuilt, full)}`);
  if (warm.length) {
    console.log(`   warm full plan               ${summary(warm, full)}`);
    console.log(`   one service changed, warm    ${summary(changed, baselineOne)}`);
    console.log(`   plan --service               ${summary(one, baselineOne)}`);
    console.log(`   lock ${lockKiB.toFixed(0)} KiB`);
  }
  rmSync(scratch, { recursive: true, force: true });
}

for (const environments of option('environments', [1, 2]) as Array<1 | 2>) {
  for (const services of option('services', [100, 1000])) {
    for (const kind of kinds) measure(services, environments, kind);
  }
}
