/**
 * The guardrails, through the Lambda's own AWS adapters against mocked clients and a table that
 * evaluates DynamoDB's conditional writes: duplicates, cooldowns, the hourly cap, dry run and
 * events the responder cannot read.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { CreateOpsItemCommand, SSMClient } from '@aws-sdk/client-ssm';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { awsActions } from '../../../src/runtime/responder/aws-actions';
import { awsLookups } from '../../../src/runtime/responder/aws-lookups';
import { DynamoGuardStore } from '../../../src/runtime/responder/aws-store';
import type { ResponderContext } from '../../../src/runtime/responder/context';
import { respond } from '../../../src/runtime/responder/guardrails';
import { handler } from '../../../src/runtime/responder/index';
import { lazy } from '../../../src/runtime/responder/lazy';
import type { FakeTable } from '../../support/dynamodb-fake';
import { actingCalls, alarmEvent, CLUSTER, ENV, ESTATE, fixture, fixtureNames, inEstate, mocks, resetAws } from './support';

const T0 = Date.parse('2026-11-30T10:00:00Z');
let table: FakeTable;
beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
  table = resetAws();
});

/** The Lambda's wiring at a chosen clock, so that a burst can be spread over time. */
function responder(options: { dryRun?: boolean } = {}) {
  const clients = {
    ecs: lazy(async () => new ECSClient({})),
    ec2: lazy(async () => new EC2Client({})),
    s3: lazy(async () => new S3Client({})),
    acm: lazy(async () => new ACMClient({})),
    route53: lazy(async () => new Route53Client({})),
    ssm: lazy(async () => new SSMClient({})),
    sns: lazy(async () => new SNSClient({})),
  };
  const store = new DynamoGuardStore(lazy(async () => new DynamoDBClient({})), 'audit', 90);
  let ctx: ResponderContext = { estate: ESTATE, environment: ENV, dryRun: options.dryRun ?? false, maxActionsPerHour: 6, now: T0 };
  const lookups = awsLookups(clients, () => ctx, store, 'Z1');
  const act = awsActions({ ...clients, topicArn: 'arn:aws:sns:eu-west-2:222222222222:alerts', quarantineGroupId: 'sg-q', environment: `${ESTATE}/${ENV}` });
  return (event: unknown, now = T0) => {
    ctx = { ...ctx, now };
    return respond(event, ctx, { lookups, store, act, log: () => {} });
  };
}

const impaired = (id: string) => inEstate('ecs-service-action.task-start-impaired.json', 'find-a-court', (e) => (e.id = id));
const crashes = (id: string) =>
  inEstate('ecs-task-state-change.stopped-oom.constructed.json', 'find-a-court', (e) => {
    e.id = id;
    e.detail.containers[0].exitCode = 1;
    e.detail.containers[0].reason = 'Essential container exited';
  });

describe('guardrails', () => {
  it('an event delivered twice is answered once', async () => {
    const answer = responder();
    const first = await answer(impaired('same-id'));
    const second = await answer(impaired('same-id'));
    expect([first.outcome, second.outcome]).toEqual(['done', 'duplicate']);
    expect(mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(1);
    expect(table.audits()).toHaveLength(1);
  });

  it('a burst of 1,000 crash events in 10 minutes: one forced deployment, then one escalation (OpsItem dedup), all audited', async () => {
    const answer = responder();
    const records = [];
    for (let i = 0; i < 1000; i++) records.push(await answer(crashes(`crash-${i}`), T0 + i * 600));
    // The first 2 stops are below the loop threshold (3 in 10 minutes).
    expect(records.slice(0, 2).map((r) => r.outcome)).toEqual(['nothing to do', 'nothing to do']);
    expect(records[2]!.outcome).toBe('done');
    expect(mocks.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: CLUSTER, service: 'find-a-court', forceNewDeployment: true }]);
    // While cooling down the runbook escalates instead; OpsCenter keeps one OpsItem per dedup string.
    const dedups = new Set(mocks.ssm.commandCalls(CreateOpsItemCommand).map((c) => c.args[0].input.OperationalData!['/aws/dedup']!.Value));
    expect(dedups).toEqual(new Set([JSON.stringify({ dedupString: `${ESTATE}-${ENV}-find-a-court-crash-loop` })]));
    expect(table.audits()).toHaveLength(1000);
  });

  it('a burst of 1,000 latency alarms: one scale-out per cooldown, never more than the hourly cap', async () => {
    const answer = responder();
    // Over one clock hour (10:00–10:59): with a 15-minute cooldown, 4 scale-outs at most.
    for (let i = 0; i < 1000; i++) await answer(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`, `lat-${i}`), T0 + i * 3_500);
    expect(mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(4);
  });

  it('the hourly cap holds when the cooldowns would allow more', async () => {
    const answer = responder();
    // Each runbook cools down on its own, the cap counts all of a service's actions together: a
    // latency alarm and a start-impaired event every minute for an hour would pass the scale-out
    // and crash-loop cooldowns 4 times each (8 actions); the cap (6) stops the rest.
    const outcomes: string[] = [];
    for (let i = 0; i < 60; i++) {
      outcomes.push((await answer(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`, `lat-${i}`), T0 + i * 60_000)).outcome);
      outcomes.push((await answer(impaired(`imp-${i}`), T0 + i * 60_000 + 1)).outcome);
    }
    expect(mocks.ecs.commandCalls(UpdateServiceCommand)).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'done')).toHaveLength(6);
    expect(outcomes.filter((o) => o === 'capped')).toHaveLength(2);
  });

  it('dry run: every event naming the estate is decided and audited, nothing is changed, notifications are marked dry run', async () => {
    const answer = responder({ dryRun: true });
    const events = [
      inEstate('ecs-task-state-change.stopped-oom.constructed.json', 'book-a-prison-visit'),
      inEstate('ecs-deployment-state-change.failed.json', 'find-a-court'),
      impaired('dry-1'),
      alarmEvent(`${CLUSTER}-book-a-prison-visit-error-rate`, 'dry-2'),
      alarmEvent(`${CLUSTER}-find-a-court-latency-p99`, 'dry-3'),
      inEstate('guardduty-finding.runtime-ecs-new-binary.constructed.json', 'book-a-prison-visit', (e) => (e.detail.severity = 9)),
      fixture('aws-health-event.scheduled-change-ec2-instance-retirement.json'),
    ];
    const records = [];
    for (const event of events) records.push(await answer(event, Date.now()));
    expect(records.map((r) => r.outcome)).toEqual(Array(events.length).fill('dry run'));
    expect(records.every((r) => r.actions.length > 0 && r.taken.length === r.actions.length)).toBe(true);
    const calls = actingCalls();
    expect(calls.map((c) => c.command).filter((c) => c !== 'PublishCommand' && c !== 'CreateOpsItemCommand')).toEqual([]);
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => String(c.input.Subject ?? c.input.Title).includes('[dry run]'))).toBe(true);
    expect(table.audits().map((a) => a.dryRun)).toEqual(Array(events.length).fill(true));
  });

  it('malformed and unknown events are logged and ignored, never thrown', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    log.mockClear();
    const bad: unknown[] = [null, 42, 'text', [], {}, { id: 'x', 'detail-type': 'ECS Task State Change', source: 'aws.ecs', detail: 'not an object' }, { id: 'y', 'detail-type': 'ECS Task State Change', source: 'aws.ecs', detail: { lastStatus: 'STOPPED' } }, { id: 'z', 'detail-type': 'Something New', source: 'aws.new', detail: {} }];
    for (const event of bad) {
      const record = await handler(event);
      expect(record.outcome).toBe('ignored');
    }
    expect(log).toHaveBeenCalledTimes(bad.length);
    expect(actingCalls()).toEqual([]);
  });

  it('an AWS failure while acting is audited as failed, not thrown', async () => {
    mocks.ecs.on(UpdateServiceCommand).rejects(new Error('AccessDeniedException'));
    const record = await responder()(impaired('fails'));
    expect(record.outcome).toBe('failed');
    expect(record.errors![0]).toContain('force-deployment: AccessDeniedException');
    expect(table.audits()[0]!.outcome).toBe('failed');
  });

  it('every fixture as published replays without throwing', async () => {
    const answer = responder();
    for (const name of fixtureNames()) await expect(answer(fixture(name))).resolves.toHaveProperty('outcome');
  });

  it('never throws, whatever JSON arrives (fast-check), and acts on nothing it cannot read', async () => {
    const answer = responder();
    const envelope = fc.record({ id: fc.string(), 'detail-type': fc.constantFrom('ECS Task State Change', 'CloudWatch Alarm State Change', 'GuardDuty Finding', 'AWS Health Event', 'x'), source: fc.constantFrom('aws.ecs', 'aws.cloudwatch', 'aws.guardduty', 'aws.health'), detail: fc.anything() });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), envelope), async (event) => {
        const record = await answer(event);
        expect(['ignored', 'nothing to do', 'done', 'duplicate', 'cooling down', 'capped', 'failed']).toContain(record.outcome);
      }),
      { numRuns: 300 },
    );
    expect(actingCalls().filter((c) => c.command !== 'PublishCommand')).toEqual([]);
  });
});
