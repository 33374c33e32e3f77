/**
 * Runbook responder benchmark: prints the bundle size, the cold initialisation time of the bundle
 * in a fresh Node.js process (what Lambda's init phase runs before the first event; median of 7),
 * the time the first event of a kind adds to load the AWS SDK clients it uses (the runtime provides
 * the SDK; measured with this repository's copy), and the per-event decision time of the engine and
 * of the whole guarded response (in memory: no AWS calls), over AWS's sample events rewritten to
 * name the example estate.
 *
 * Targets (issue 10): bundle ≤ 100 KB, cold init ≤ 100 ms, decision ≤ 1 ms per event.
 *
 *   npm run bench:responder -- [--events 10000]
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { loadEstate } from '../src/manifest/load';
import { responderSettings } from '../src/operations/responder-settings';
import type { ResponderContext } from '../src/runtime/responder/context';
import { decide } from '../src/runtime/responder/engine';
import { MemoryGuardStore, respond } from '../src/runtime/responder/guardrails';
import { offlineLookups } from '../src/runtime/responder/offline';

const BUNDLE = resolve('dist/runtime/responder/index.js');
const EVENTS = Number(process.argv[process.argv.indexOf('--events') + 1]) || 10_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds a fresh process takes to run `code`, as it measures itself (no process start-up). */
function fresh(code: string): number {
  const child = spawnSync(process.execPath, ['-e', `const t=process.hrtime.bigint();${code};console.log(Number(process.hrtime.bigint()-t)/1e6)`], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout.trim().split('\n').at(-1));
}

// Size.
const bytes = statSync(BUNDLE).size;
const gz = gzipSync(readFileSync(BUNDLE)).length;

// Cold init: loading and evaluating the bundle (the SDK is loaded on first use, see lazy.ts).
const init = Array.from({ length: 7 }, () => fresh(`require(${JSON.stringify(BUNDLE)})`));
// What the first event adds: the clients an out-of-memory event uses (SSM, DynamoDB, SNS).
const sdk = Array.from({ length: 5 }, () => fresh(['ssm', 'dynamodb', 'sns'].map((c) => `new (require('@aws-sdk/client-${c}').${{ ssm: 'SSMClient', dynamodb: 'DynamoDBClient', sns: 'SNSClient' }[c]})({region:'eu-west-2'})`).join(';')));

// Decisions, in memory, over the sample events naming the example estate.
const spec = loadEstate('examples/justice');
const env = spec.environments.find((e) => e.name === 'staging')!;
const services = new Map(spec.services.get('staging')!.map((s) => [s.name, { ...responderSettings(s, env.protect), service: s.name }]));
const fixture = (name: string, service: string) =>
  JSON.parse(
    readFileSync(join('test/fixtures/events', name), 'utf8')
      .replaceAll('service/default/servicetest', `service/justice-staging/${service}`)
      .replaceAll('cluster/default', 'cluster/justice-staging')
      .replaceAll('example-cluster', 'justice-staging')
      .replaceAll('service:example-web', `service:${service}`),
  );
const alarm = (name: string) => {
  const e = fixture('cloudwatch-alarm-state-change.single-metric.json', '');
  e.detail.alarmName = name;
  return e;
};
const events = [
  fixture('ecs-task-state-change.stopped-oom.constructed.json', 'book-a-prison-visit'),
  fixture('ecs-deployment-state-change.failed.json', 'find-a-court'),
  fixture('ecs-service-action.task-start-impaired.json', 'find-a-court'),
  fixture('guardduty-finding.runtime-ecs-new-binary.constructed.json', 'book-a-prison-visit'),
  fixture('aws-health-event.scheduled-change-ec2-instance-retirement.json', ''),
  fixture('ecs-task-state-change.running-fargate.json', 'find-a-court'),
  alarm('justice-staging-book-a-prison-visit-error-rate'),
  alarm('justice-staging-find-a-court-latency-p99'),
  alarm('TotalNetworkTrafficTooHigh'),
];
const ctx: ResponderContext = { estate: 'justice', environment: 'staging', dryRun: false, maxActionsPerHour: 6, now: Date.parse('2026-11-30T10:00:00Z') };
const deployments = new Map([...services.keys()].map((s) => [s, { desiredCount: 2, current: { taskDefinition: `justice-staging-${s}:7`, startedAt: ctx.now - 600_000 }, previousTaskDefinition: `justice-staging-${s}:6` }]));
const lookups = offlineLookups({ services, stackPrefix: 'justice-staging-', deployments });

async function perEvent(label: string, once: (event: unknown, i: number) => Promise<unknown>): Promise<string> {
  for (let i = 0; i < 1000; i++) await once(events[i % events.length], i); // warm up
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) await once(events[i % events.length], i);
  const us = Number(process.hrtime.bigint() - started) / 1e3 / EVENTS;
  return `${label}: ${us.toFixed(1)} µs per event (${EVENTS} events)`;
}

async function main(): Promise<void> {
  const decision = await perEvent('decision (engine: read, scope, runbook, plan)', (e) => decide(e, ctx, lookups));
  const store = new MemoryGuardStore();
  const guarded = await perEvent('guarded response (claim, cooldown, cap, audit; actions not sent)', (e, i) =>
    respond({ ...(e as object), id: `bench-${i}` }, { ...ctx, now: ctx.now + i }, { lookups, store, act: async () => {}, log: () => {} }),
  );

  console.log(`bundle: ${(bytes / 1024).toFixed(1)} KB (${(gz / 1024).toFixed(1)} KB gzipped)   target ≤ 100 KB`);
  console.log(`cold init: ${median(init).toFixed(1)} ms median of ${init.length} (${Math.min(...init).toFixed(1)}–${Math.max(...init).toFixed(1)})   target ≤ 100 ms`);
  console.log(`first event's SDK load (SSM, DynamoDB, SNS clients): ${median(sdk).toFixed(0)} ms median of ${sdk.length}; later events reuse them`);
  console.log(`${decision}   target ≤ 1 ms`);
  console.log(guarded);
}

void main();
