/**
 * Log query benchmark: writes generated logs in the layout of the log buckets (service log
 * envelopes and ALB access logs, gzip, as Firehose and Elastic Load Balancing write them) into a
 * temporary folder, then times `cityplan logs query` (runLogQuery, DuckDB) for every named query
 * over them. Prints the bytes generated (raw log text and gzip on disk) and each query's wall time.
 *
 *   npm run bench:logs -- [--gb 1] [--services 200] [--alb-share 0.3] [--keep]
 *
 * `--gb` is the raw (uncompressed) size of all log text; `--alb-share` the part of it that is ALB
 * access logs. The folder is removed afterwards unless --keep.
 */
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { NAMED_QUERIES } from '../src/analytics/queries';
import { runLogQuery } from '../src/analytics/local-run';
import { albLine, envelope, type LogEvent, writeAlbLogObject, writeServiceLogObject } from '../test/support/log-bucket';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const gb = option('gb', 1);
const services = option('services', 200);
const albShare = option('alb-share', 0.3);
const keep = process.argv.includes('--keep');
const OBJECT_BYTES = 32 * 1024 ** 2; // raw text per object: Firehose buffers up to 64 MiB
const HOUR = Date.UTC(2026, 10, 30, 0);

/** A deterministic pseudo-random sequence (mulberry32), so every run writes the same data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = random(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const name = (i: number) => `service-${String(i).padStart(4, '0')}`;
const levels = ['info', 'info', 'info', 'info', 'debug', 'warn', 'error'];

function serviceLine(service: string, ts: number): LogEvent {
  const level = pick(levels);
  return rand() < 0.8
    ? { timestamp: ts, message: JSON.stringify({ level, time: new Date(ts).toISOString(), service, msg: `handled request ${Math.floor(rand() * 1e6)}`, duration_ms: Math.floor(rand() * 900) }) }
    : { timestamp: ts, message: `${new Date(ts).toISOString()} ${level.toUpperCase()} worker ${Math.floor(rand() * 64)} processed batch of ${Math.floor(rand() * 500)} items` };
}

function generate(root: string): { raw: number; serviceRaw: number; albRaw: number } {
  const total = gb * 1024 ** 3;
  let serviceRaw = 0;
  let albRaw = 0;
  let n = 0;
  while (serviceRaw < total * (1 - albShare)) {
    const hour = HOUR + (n % 24) * 3_600_000;
    const envelopes: object[] = [];
    let bytes = 0;
    while (bytes < OBJECT_BYTES) {
      const service = name(Math.floor(rand() * services));
      const events = Array.from({ length: 100 }, (_, i) => serviceLine(service, hour + Math.floor(rand() * 3_600_000) + i));
      const e = envelope(`/cityplan/bench/staging/${service}`, `${service}/app/${Math.floor(rand() * 8)}`, events);
      bytes += JSON.stringify(e).length + 1;
      envelopes.push(e);
    }
    writeServiceLogObject(root, `mixed-${n % 16}`, new Date(hour), envelopes, n);
    serviceRaw += bytes;
    n++;
  }
  const paths = ['/', '/book', '/search', '/api/v1/items', '/health', '/login', '/wp-login.php', '/.env'];
  let m = 0;
  while (albRaw < total * albShare) {
    const lines: string[] = [];
    let bytes = 0;
    while (bytes < OBJECT_BYTES) {
      const r = rand();
      const line = albLine({
        client: `203.0.113.${Math.floor(rand() * 250)}`,
        host: `${name(Math.floor(rand() * services))}.staging.bench.example.gov.uk`,
        path: pick(paths),
        status: r < 0.02 ? 502 : r < 0.1 ? 404 : 200,
        seconds: r < 0.02 ? -1 : rand() * 2,
      });
      bytes += line.length + 1;
      lines.push(line);
    }
    writeAlbLogObject(root, m % 4, lines, new Date(HOUR), m);
    albRaw += bytes;
    m++;
  }
  return { raw: serviceRaw + albRaw, serviceRaw, albRaw };
}

function diskBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? diskBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'cityplan-bench-logs-'));
  const mb = (b: number) => `${(b / 1024 ** 2).toFixed(0)} MB`;
  try {
    const started = Date.now();
    const { raw, serviceRaw, albRaw } = generate(root);
    console.log(`generated ${mb(raw)} of log text (${mb(serviceRaw)} service envelopes, ${mb(albRaw)} ALB lines), ${mb(diskBytes(root))} gzip on disk, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); folder ${root}`);
    console.log('query                         seconds  rows  MB/s (log text of the relation read)');
    for (const q of NAMED_QUERIES) {
      const t0 = process.hrtime.bigint();
      const { rows } = await runLogQuery(q.name, root);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const read = q.relations.includes('alb_requests') ? albRaw : serviceRaw;
      console.log(`${q.name.padEnd(30)}${seconds.toFixed(2).padStart(7)}  ${String(rows.length).padStart(4)}  ${(read / 1024 ** 2 / seconds).toFixed(0).padStart(5)}`);
    }
  } finally {
    if (keep) console.log(`kept ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }
}

void main();
