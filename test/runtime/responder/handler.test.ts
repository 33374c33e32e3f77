/**
 * The responder Lambda's handler, replaying AWS's own sample events (test/fixtures/events) against
 * mocked AWS clients: what it calls, and what it must not call.
 */
import { DescribeCertificateCommand, ListTagsForCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { ListResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../../src/runtime/responder/index';
import { actingCalls, alarmEvent, CLUSTER, fixture, fixtureNames, inEstate, mocks, PREVIOUS, resetAws, services, spec } from './support';

beforeEach(() => {
  vi.spyOn(console, 'log').mockImplementation(() => {});
});

/** What each fixture, as AWS published it (other accounts, clusters and names), comes to. */
const AS_PUBLISHED: Record<string, { outcome: string; calls: string[] }> = {
  'acm-certificate-approaching-expiration.json': { outcome: 'ignored', calls: [] },
  'alb-access-log.http-https-h2.log': { outcome: 'ignored', calls: [] },
  // AWS Health events are about the account, not a resource of the estate: the owners are told.
  'aws-health-event.issue-ec2-instance-store-degraded.json': { outcome: 'done', calls: ['PublishCommand'] },
  'aws-health-event.issue-ec2-operational-public.json': { outcome: 'done', calls: ['PublishCommand'] },
  'aws-health-event.scheduled-change-ec2-instance-retirement.json': { outcome: 'done', calls: ['PublishCommand'] },
  'cloudwatch-alarm-state-change.metric-math.json': { outcome: 'ignored', calls: [] },
  'cloudwatch-alarm-state-change.single-metric.json': { outcome: 'ignored', calls: [] },
  'cloudwatch-logs-subscription.control-message.json': { outcome: 'ignored', calls: [] },
  'cloudwatch-logs-subscription.data-message.json': { outcome: 'ignored', calls: [] },
  'config-rules-compliance-change.s3-public-read.constructed.json': { outcome: 'ignored', calls: [] },
  'ecs-deployment-state-change.completed.json': { outcome: 'ignored', calls: [] },
  'ecs-deployment-state-change.failed.json': { outcome: 'ignored', calls: [] },
  'ecs-service-action.steady-state.json': { outcome: 'ignored', calls: [] },
  'ecs-service-action.task-placement-failure-fargate-spot.json': { outcome: 'ignored', calls: [] },
  'ecs-service-action.task-start-impaired.json': { outcome: 'ignored', calls: [] },
  'ecs-task-state-change.running-fargate.json': { outcome: 'ignored', calls: [] },
  'ecs-task-state-change.stopped-oom.constructed.json': { outcome: 'ignored', calls: [] },
  'ecs-task-state-change.stopped-user-initiated.json': { outcome: 'ignored', calls: [] },
  'guardduty-finding.ec2-ssh-brute-force.partial-envelope.json': { outcome: 'ignored', calls: [] },
  'guardduty-finding.runtime-ecs-new-binary.constructed.json': { outcome: 'ignored', calls: [] },
  'kinesis-firehose-transformation.cloudwatch-logs.json': { outcome: 'ignored', calls: [] },
};

describe('every sample event as AWS published it', () => {
  it('has an expectation for every fixture', () => {
    expect(fixtureNames()).toEqual(Object.keys(AS_PUBLISHED).sort());
  });

  it.each(Object.entries(AS_PUBLISHED))('%s: %o', async (name, expected) => {
    resetAws();
    const record = await handler(fixture(name));
    expect(record.outcome).toBe(expected.outcome);
    expect(actingCalls().map((c) => c.command)).toEqual(expected.calls);
    if (record.outcome === 'ignored') expect(record.ignored).toBeTruthy();
  });

  it('logs one JSON line per event, also for one it cannot read', async () => {
    resetAws();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    log.mockClear();
    await handler('not an event');
    expect(log).toHaveBeenCalledTimes(1);
    expect(JSON.parse(log.mock.calls[0]![0] as string)).toMatchObject({ audit: 'cityplan.responder', outcome: 'skipped', decision: 'ignored', ignored: 'not a JSON object' });
  });
});

describe('audit lines, in the format the log pipeline reads (analytics/responder-line.ts)', () => {
  const lines = async (event: unknown) => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    log.mockClear();
    await handler(event);
    return log.mock.calls.map((c) => JSON.parse(c[0] as string));
  };

  it('one line per action taken, naming the service, the event and the runbook', async () => {
    resetAws({ deployedMinutesAgo: 10 });
    const got = await lines(alarmEvent(`${CLUSTER}-book-a-prison-visit-error-rate`));
    expect(got.map(({ audit, service, event, runbook, action, outcome }) => ({ audit, service, event, runbook, action, outcome }))).toEqual([
      { audit: 'cityplan.responder', service: 'book-a-prison-visit', event: 'CloudWatch Alarm State Change', runbook: 'deploy-regression', action: 'rollback', outcome: 'done' },
      { audit: 'cityplan.responder', service: 'book-a-prison-visit', event: 'CloudWatch Alarm State Change', runbook: 'deploy-regression', action: 'notify', outcome: 'done' },
    ]);
    expect(Date.parse(got[0].at)).not.toBeNaN();
  });

  it('every deployment event of a service, by its ECS event name, also those no runbook acts on', async () => {
    resetAws();
    const completed = await lines(inEstate('ecs-deployment-state-change.completed.json', 'find-a-court'));
    expect(completed).toEqual([expect.objectContaining({ service: 'find-a-court', event: 'SERVICE_DEPLOYMENT_COMPLETED', outcome: 'skipped' })]);
    expect(completed[0].action).toBeUndefined();
    const failed = await lines(inEstate('ecs-deployment-state-change.failed.json', 'find-a-court'));
    expect(failed).toEqual([expect.objectContaining({ event: 'SERVICE_DEPLOYMENT_FAILED', runbook: 'deploy-regression', action: 'notify', outcome: 'done' })]);
  });

  it('dry run: the actions decided, as dry-run', async () => {
    resetAws({ dryRun: true });
    const got = await lines(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`));
    expect(got.map((l) => [l.action, l.outcome])).toEqual([
      ['scale-out', 'dry-run'],
      ['notify', 'dry-run'],
    ]);
  });
});

describe('sample events naming the example estate (justice/staging)', () => {
  it('out of memory: tells the owner the next Fargate size and changes nothing', async () => {
    resetAws();
    const record = await handler(inEstate('ecs-task-state-change.stopped-oom.constructed.json', 'book-a-prison-visit'));
    expect(record).toMatchObject({ runbook: 'out-of-memory', service: 'book-a-prison-visit', outcome: 'done' });
    const [publish, ...rest] = actingCalls();
    expect(rest).toEqual([]);
    // The event's task is 256 CPU / 512 MiB: the next size up is 1024 MiB at 256 CPU.
    expect(publish!.input.Subject).toContain('set memory: 1024');
    expect(publish!.input.MessageAttributes.owner.StringValue).toBe('visits-team@justice.example.gov.uk');
  });

  it('a failed deployment is reported, not rolled back again (the circuit breaker did)', async () => {
    resetAws();
    const record = await handler(inEstate('ecs-deployment-state-change.failed.json', 'find-a-court'));
    expect(record).toMatchObject({ runbook: 'deploy-regression', service: 'find-a-court', outcome: 'done' });
    expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand']);
  });

  it('task start impaired: one forced new deployment', async () => {
    resetAws();
    const record = await handler(inEstate('ecs-service-action.task-start-impaired.json', 'find-a-court'));
    expect(record).toMatchObject({ runbook: 'crash-loop', service: 'find-a-court', outcome: 'done' });
    expect(mocks.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: CLUSTER, service: 'find-a-court', forceNewDeployment: true }]);
  });

  it('steady state and a placement failure are answered by no runbook', async () => {
    for (const name of ['ecs-service-action.steady-state.json', 'ecs-service-action.task-placement-failure-fargate-spot.json']) {
      resetAws();
      const record = await handler(inEstate(name, 'find-a-court'));
      expect(record.outcome).toBe('ignored');
      expect(actingCalls()).toEqual([]);
    }
  });

  it('error-rate alarm 10 minutes after a deployment: rolls back to the previous task definition', async () => {
    resetAws({ deployedMinutesAgo: 10 });
    const record = await handler(alarmEvent(`${CLUSTER}-book-a-prison-visit-error-rate`));
    expect(record).toMatchObject({ runbook: 'deploy-regression', outcome: 'done' });
    expect(mocks.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: CLUSTER, service: 'book-a-prison-visit', taskDefinition: PREVIOUS }]);
    expect(actingCalls().map((c) => c.command)).toEqual(['UpdateServiceCommand', 'PublishCommand']);
  });

  it('error-rate alarm 3 hours after the last deployment: notifies with the evidence, no rollback', async () => {
    resetAws({ deployedMinutesAgo: 180 });
    const record = await handler(alarmEvent(`${CLUSTER}-book-a-prison-visit-log-fatal`));
    expect(record.runbook).toBe('deploy-regression');
    expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand']);
    expect(actingCalls()[0]!.input.Message).toContain('deployedMinutesAgo: 180');
  });

  it('latency alarm: scales out by one task, never past count.max', async () => {
    resetAws({ desiredCount: 2 });
    await handler(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`));
    expect(mocks.ecs.commandCalls(UpdateServiceCommand).map((c) => c.args[0].input)).toEqual([{ cluster: CLUSTER, service: 'find-a-court', desiredCount: 3 }]);
    resetAws({ desiredCount: 6 });
    await handler(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`));
    expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand']);
    expect(actingCalls()[0]!.input.Subject).toContain('at most 6');
  });

  it('an alarm going back to OK, and an alarm of another environment, do nothing', async () => {
    resetAws();
    const ok = alarmEvent(`${CLUSTER}-find-a-court-latency-p99`);
    ok.detail.state.value = 'OK';
    expect((await handler(ok)).outcome).toBe('ignored');
    expect((await handler(alarmEvent('justice-production-find-a-court-latency-p99', 'other'))).ignored).toContain('outside the estate');
    expect(actingCalls()).toEqual([]);
  });

  it('GuardDuty finding of high severity on a task: isolates, stops, notifies, opens an OpsItem', async () => {
    resetAws();
    const event = inEstate('guardduty-finding.runtime-ecs-new-binary.constructed.json', 'book-a-prison-visit', (e) => (e.detail.severity = 8));
    const record = await handler(event);
    expect(record).toMatchObject({ runbook: 'compromised-task', service: 'book-a-prison-visit', outcome: 'done' });
    expect(record.taken.map((a) => a.do)).toEqual(['isolate-task', 'stop-task', 'notify', 'escalate']);
    expect(actingCalls().map((c) => c.command)).toEqual(['StopTaskCommand', 'ModifyNetworkInterfaceAttributeCommand', 'PublishCommand', 'CreateOpsItemCommand']);
    expect(actingCalls().find((c) => c.command === 'ModifyNetworkInterfaceAttributeCommand')!.input).toEqual({ NetworkInterfaceId: 'eni-0compromised', Groups: ['sg-0quarantine'] });
  });

  it('GuardDuty finding as published (severity 5, medium): tells the owner only', async () => {
    resetAws();
    const record = await handler(inEstate('guardduty-finding.runtime-ecs-new-binary.constructed.json', 'book-a-prison-visit'));
    expect(record.runbook).toBe('compromised-task');
    expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand']);
  });

  it('a public bucket of the estate gets its public access blocked; one outside it is left alone', async () => {
    resetAws();
    mocks.s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'aws:cloudformation:stack-name', Value: `${CLUSTER}-find-a-court` }] });
    const record = await handler(fixture('config-rules-compliance-change.s3-public-read.constructed.json'));
    expect(record).toMatchObject({ runbook: 'config-drift', outcome: 'done' });
    expect(actingCalls().map((c) => c.command)).toEqual(['PutPublicAccessBlockCommand', 'PublishCommand']);
    expect(actingCalls()[0]!.input.Bucket).toBe('example-documents-bucket');
  });

  it('a world-open security group: revokes all but 80/443 on a load balancer group', async () => {
    resetAws();
    const openGroup = {
      SecurityGroups: [
        {
          Tags: [{ Key: 'aws:cloudformation:stack-name', Value: `${CLUSTER}-ingress-0` }],
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/16' }] },
          ],
        },
      ],
    };
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves(openGroup);
    const event = inEstate('config-rules-compliance-change.s3-public-read.constructed.json', '', (e) => {
      e.detail.resourceType = 'AWS::EC2::SecurityGroup';
      e.detail.resourceId = 'sg-0123456789abcdef0';
      e.detail.configRuleName = 'restricted-ssh';
    });
    await handler(event);
    // cityplan's own rule in this environment carries the estate's prefix: the same remedy.
    resetAws();
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves(openGroup);
    await handler({ ...event, id: 'own-rule', detail: { ...event.detail, configRuleName: `cityplan-${CLUSTER}-restricted-ssh` } });
    expect(actingCalls().map((c) => c.command)).toContain('RevokeSecurityGroupIngressCommand');
    resetAws();
    mocks.ec2.on(DescribeSecurityGroupsCommand).resolves(openGroup);
    await handler(event);
    const revoke = actingCalls().find((c) => c.command === 'RevokeSecurityGroupIngressCommand');
    expect(revoke!.input).toEqual({ GroupId: 'sg-0123456789abcdef0', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] });
  });

  it('a certificate of the estate near expiry: checks its validation record in the zone and notifies', async () => {
    resetAws();
    const arn = 'arn:aws:acm:us-east-1:123456789012:certificate/61f50cd4-45b9-4259-b049-d0a53682fa4b';
    mocks.acm.on(ListTagsForCertificateCommand).resolves({ Tags: [{ Key: 'aws:cloudformation:stack-name', Value: `${CLUSTER}-certificate` }] });
    mocks.acm.on(DescribeCertificateCommand).resolves({
      Certificate: { DomainValidationOptions: [{ DomainName: '*.staging.justice.example.gov.uk', ValidationMethod: 'DNS', ResourceRecord: { Name: '_x1.staging.justice.example.gov.uk.', Type: 'CNAME', Value: '_y.acm-validations.aws.' } }] },
    });
    mocks.route53.on(ListResourceRecordSetsCommand).resolves({ ResourceRecordSets: [{ Name: '_zz.staging.justice.example.gov.uk.', Type: 'CNAME' }] });
    const record = await handler(fixture('acm-certificate-approaching-expiration.json'));
    expect(record).toMatchObject({ runbook: 'certificate-expiry', outcome: 'done' });
    expect(mocks.route53.commandCalls(ListResourceRecordSetsCommand)[0]!.args[0].input).toMatchObject({ HostedZoneId: 'Z0123456789ABCDEFGHIJ', StartRecordName: '_x1.staging.justice.example.gov.uk.' });
    expect(actingCalls()[0]!.input.Message).toContain('missing: _x1.staging.justice.example.gov.uk.');
    expect(arn).toBeTruthy();
  });

  it('a service the environment does not run, and a runbook a service switched off, are ignored', async () => {
    resetAws();
    const unknown = await handler(inEstate('ecs-service-action.task-start-impaired.json', 'no-such-service'));
    expect(unknown.ignored).toContain('no service no-such-service');
    const settings = services.get('find-a-court')!;
    services.set('find-a-court', { ...settings, runbooks: { 'crash-loop': { enabled: false } } });
    try {
      const off = await handler(inEstate('ecs-service-action.task-start-impaired.json', 'find-a-court'));
      expect(off.ignored).toBe('crash-loop is switched off for find-a-court');
    } finally {
      services.set('find-a-court', settings);
    }
    expect(actingCalls()).toEqual([]);
  });

  it("an estate's own runbook, read from its SSM parameter, is asked before the built-ins", async () => {
    resetAws({ runbooks: spec.runbooks as unknown[] });
    const placement = await handler(inEstate('ecs-service-action.task-placement-failure-fargate-spot.json', 'find-a-court'));
    expect(placement).toMatchObject({ runbook: 'capacity-shortfall', service: 'find-a-court', outcome: 'done' });
    expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand']);
    resetAws({ runbooks: spec.runbooks as unknown[] });
    const pay = await handler(alarmEvent(`${CLUSTER}-send-money-to-prisoners-log-pattern-1`));
    expect(pay).toMatchObject({ runbook: 'payments-unreachable', outcome: 'done' });
    expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand', 'CreateOpsItemCommand']);
    // The same alarm of a service the runbook does not name falls to the built-in.
    resetAws({ runbooks: spec.runbooks as unknown[] });
    expect((await handler(alarmEvent(`${CLUSTER}-find-a-court-log-pattern-1`))).runbook).toBe('deploy-regression');
  });

  it('an estate runbook whose when does not hold leaves the event to the built-in after it', async () => {
    const slow = { name: 'hello-slow', trigger: { alarm: 'latency-p99' }, when: { deployedWithin: 30 }, actions: ['rollback', 'notify'] };
    resetAws({ runbooks: [slow], deployedMinutesAgo: 100, desiredCount: 2 });
    const late = await handler(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`, 'late'));
    expect(late).toMatchObject({ runbook: 'scale-out', service: 'find-a-court' });
    resetAws({ runbooks: [slow], deployedMinutesAgo: 10, desiredCount: 2 });
    expect((await handler(alarmEvent(`${CLUSTER}-find-a-court-latency-p99`, 'soon'))).runbook).toBe('hello-slow');
  });
});

describe('log alarms never reach nobody', () => {
  const withRunbooks = async (runbooks: Record<string, Record<string, boolean>>, run: () => Promise<void>) => {
    const settings = services.get('find-a-court')!;
    services.set('find-a-court', { ...settings, runbooks });
    try {
      await run();
    } finally {
      services.set('find-a-court', settings);
    }
  };

  it('a log alarm whose runbook is switched off still notifies the owner, saying why', async () => {
    await withRunbooks({ 'deploy-regression': { enabled: false } }, async () => {
      resetAws();
      const record = await handler(alarmEvent(`${CLUSTER}-find-a-court-log-errors`));
      expect(record).toMatchObject({ runbook: 'notify-owner', service: 'find-a-court', outcome: 'done' });
      expect(record.conditions.passed).toEqual(['deploy-regression is switched off for find-a-court']);
      expect(actingCalls().map((c) => c.command)).toEqual(['PublishCommand']);
    });
  });

  it('an alarm with an action of its own is not notified twice when its runbook is switched off', async () => {
    await withRunbooks({ 'deploy-regression': { enabled: false } }, async () => {
      resetAws();
      const record = await handler(alarmEvent(`${CLUSTER}-find-a-court-error-rate`));
      expect(record.outcome).toBe('ignored');
      expect(actingCalls()).toEqual([]);
    });
  });

  it('in dry run a log alarm is still notified, marked dry run, and nothing is changed', async () => {
    resetAws({ dryRun: true, deployedMinutesAgo: 5 });
    const record = await handler(alarmEvent(`${CLUSTER}-book-a-prison-visit-log-fatal`));
    expect(record).toMatchObject({ runbook: 'deploy-regression', outcome: 'dry run' });
    const calls = actingCalls();
    expect(calls.map((c) => c.command)).toEqual(['PublishCommand']);
    expect(calls[0]!.input.Subject).toContain('[dry run]');
    expect(calls[0]!.input.Message).toContain('would have done rollback');
  });
});
