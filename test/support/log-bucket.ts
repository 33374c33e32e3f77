/**
 * Writes log files laid out as the environment's log buckets are (src/analytics/layout.ts), for
 * the local query tests and bench/logs: CloudWatch Logs subscription envelopes, gzip-compressed,
 * one per line, as Firehose delivers them after decompression; ALB access log lines under the
 * Elastic Load Balancing key layout.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { serviceLogsKeyPrefix } from '../../src/analytics/layout';

export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
}

/** A CloudWatch Logs DATA_MESSAGE envelope (shape: CloudWatch Logs User Guide, "Subscription filters"). */
export function envelope(logGroup: string, logStream: string, events: readonly LogEvent[]): object {
  return {
    messageType: 'DATA_MESSAGE',
    owner: '111111111111',
    logGroup,
    logStream,
    subscriptionFilters: ['cityplan-log-pipeline'],
    logEvents: events.map((e, i) => ({ id: `${e.timestamp}${String(i).padStart(8, '0')}`, ...e })),
  };
}

/** Writes one Firehose object of newline-separated envelopes under the service's partition of that hour. */
export function writeServiceLogObject(root: string, service: string, at: Date, envelopes: readonly object[], n = 0): string {
  const day = at.toISOString().slice(0, 10);
  const hour = at.toISOString().slice(11, 13);
  const dir = join(root, serviceLogsKeyPrefix(service, day, hour));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `cityplan-logs-${n}-${day}-${hour}-00-00-0000.gz`);
  writeFileSync(file, gzipSync(envelopes.map((e) => JSON.stringify(e)).join('\n') + '\n'));
  return file;
}

export interface AlbRequest {
  readonly client: string;
  readonly host: string;
  readonly path: string;
  readonly status: number;
  /** Target processing time in seconds; -1 when no target answered. */
  readonly seconds: number;
  readonly at?: Date;
}

/** One ALB access log line in the documented field order (through target_status_code_list, then the later fields). */
export function albLine(r: AlbRequest): string {
  const at = (r.at ?? new Date('2026-11-30T19:00:00Z')).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  const target = r.seconds < 0 ? '-' : '10.0.1.20:8080';
  const code = r.seconds < 0 ? '-' : String(r.status);
  return [
    'https', at, 'app/justice-staging-0/50dc6c495c0c9188', `${r.client}:51234`, target,
    '0.000', r.seconds < 0 ? '-1' : r.seconds.toFixed(3), r.seconds < 0 ? '-1' : '0.000', String(r.status), code, '120', '540',
    `"GET https://${r.host}:443${r.path} HTTP/1.1"`, '"Mozilla/5.0 (test)"', 'ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2',
    'arn:aws:elasticloadbalancing:eu-west-2:111111111111:targetgroup/visits/73e2d6bc24d8a067', '"Root=1-58337281-1d84f3d73c47ec4e58577259"',
    `"${r.host}"`, '"arn:aws:acm:eu-west-2:111111111111:certificate/12345678-1234-1234-1234-123456789012"', '1', at,
    '"forward"', '"-"', '"-"', `"${target}"`, `"${code}"`, '"-"', '"-"', '"TID_1234"',
  ].join(' ');
}

/** Writes one ALB access log object for a shard on the day of `at`. */
export function writeAlbLogObject(root: string, shard: number, lines: readonly string[], at = new Date('2026-11-30T19:00:00Z'), n = 0): string {
  const [y, m, d] = at.toISOString().slice(0, 10).split('-');
  const dir = join(root, 'ingress', String(shard), 'AWSLogs', '111111111111', 'elasticloadbalancing', 'eu-west-2', y!, m!, d!);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `111111111111_elasticloadbalancing_eu-west-2_app.justice-staging-${shard}.50dc6c495c0c9188_${y}${m}${d}T1900Z_10.0.0.1_${n}.log.gz`);
  writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
  return file;
}
