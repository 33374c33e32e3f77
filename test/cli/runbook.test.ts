/**
 * `cityplan runbook list` and `cityplan runbook replay`: AWS's sample events, rewritten to name the
 * example estate's cluster, services and alarms, decide the runbook the responder would run.
 */
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { copyExample } from '../support/estate-files';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { alarmEvent, CLUSTER, fixture, inEstate } from '../runtime/responder/support';

const dir = mkdtempSync(join(tmpdir(), 'cityplan-replay-'));
const write = (name: string, event: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof event === 'string' ? event : JSON.stringify(event));
  return file;
};
const replay = async (file: string, ...flags: string[]) => {
  const r = await cityplan('runbook', 'replay', file, '--estate', 'examples/justice', '--env', 'staging', '--json', ...flags);
  return { ...r, json: r.code === 0 || r.code === 1 ? JSON.parse(r.stdout) : undefined };
};

describe('cityplan runbook replay', () => {
  it.each([
    ['ecs-task-state-change.stopped-oom.constructed.json', 'book-a-prison-visit', 'out-of-memory', ['notify']],
    ['ecs-deployment-state-change.failed.json', 'find-a-court', 'deploy-regression', ['notify']],
    ['ecs-service-action.task-start-impaired.json', 'prisoner-search-api', 'crash-loop', ['force-deployment', 'notify']],
    ['guardduty-finding.runtime-ecs-new-binary.constructed.json', 'send-money-to-prisoners', 'compromised-task', ['notify']],
  ])('%s naming %s decides %s', async (fixture, service, runbook, actions) => {
    const { code, json } = await replay(write(`${service}-${fixture}`, inEstate(fixture, service)));
    expect(code).toBe(0);
    expect(json.decision).toMatchObject({ runbook, service });
    expect(json.decision.actions.map((a: { do: string }) => a.do)).toEqual(actions);
  });

  it("the estate's own runbooks answer what they name: a placement failure, a team's log pattern", async () => {
    const placement = (await replay(write('place.json', inEstate('ecs-service-action.task-placement-failure-fargate-spot.json', 'find-a-court')))).json.decision;
    expect(placement).toMatchObject({ runbook: 'capacity-shortfall', service: 'find-a-court', conditions: { reason: 'RESOURCE:FARGATE' } });
    const text = await cityplan('runbook', 'replay', write('pay-t.json', alarmEvent(`${CLUSTER}-send-money-to-prisoners-log-pattern-1`)), '--estate', 'examples/justice', '--env', 'staging');
    expect(text.stdout).toContain('cooldown 60 minutes per service (send-money-to-prisoners) and runbook');
    const pay = (await replay(write('pay.json', alarmEvent(`${CLUSTER}-send-money-to-prisoners-log-pattern-1`)))).json.decision;
    expect(pay).toMatchObject({ runbook: 'payments-unreachable', cooldown: 60 });
    expect(pay.actions.map((a: { do: string }) => a.do)).toEqual(['notify', 'escalate']);
  });

  it('an error-rate alarm rolls back only when told the deployment was recent', async () => {
    const file = write('alarm.json', alarmEvent(`${CLUSTER}-book-a-prison-visit-error-rate`));
    const recent = (await replay(file, '--deployed', '5')).json.decision;
    expect(recent.actions[0]).toEqual({ do: 'rollback', cluster: CLUSTER, service: 'book-a-prison-visit', taskDefinition: `${CLUSTER}-book-a-prison-visit:<previous>` });
    const old = (await replay(file, '--deployed', '300')).json.decision;
    expect(old.actions.map((a: { do: string }) => a.do)).toEqual(['notify']);
    const unknown = await replay(file);
    expect(unknown.json.decision.actions.map((a: { do: string }) => a.do)).toEqual(['notify']);
    expect(unknown.json.unknownOffline[0]).toContain('--deployed');
  });

  it('--desired without --deployed: the deployment time is unknown, never a figure, and said so', async () => {
    const r = await replay(write('alarm-d.json', alarmEvent(`${CLUSTER}-book-a-prison-visit-error-rate`)), '--desired', '2');
    expect(r.json.decision.conditions.deployedMinutesAgo).toBeUndefined();
    expect(r.json.decision.actions.map((a: { do: string }) => a.do)).toEqual(['notify']);
    expect(r.json.unknownOffline).toEqual([expect.stringContaining('--deployed')]);
  });

  it('says only what the decision needed and could not know: nothing for out of memory', async () => {
    const r = await replay(write('oom-u.json', inEstate('ecs-task-state-change.stopped-oom.constructed.json', 'book-a-prison-visit')));
    expect(r.json.unknownOffline).toEqual([]);
  });

  it('a security group or certificate, whose id does not say whose it is, is decided as the estate\'s and said so', async () => {
    const sg = inEstate('config-rules-compliance-change.s3-public-read.constructed.json', '', (e) => {
      e.detail.resourceType = 'AWS::EC2::SecurityGroup';
      e.detail.resourceId = 'sg-0123456789abcdef0';
      e.detail.configRuleName = `cityplan-${CLUSTER}-restricted-ssh`;
    });
    const r = await replay(write('sg.json', sg));
    expect(r.json.decision).toMatchObject({ runbook: 'config-drift' });
    expect(r.json.unknownOffline).toEqual(expect.arrayContaining([expect.stringContaining('whether sg-0123456789abcdef0 is the estate'), expect.stringContaining('world-open rules of sg-0123456789abcdef0')]));
    const acm = await replay('test/fixtures/events/acm-certificate-approaching-expiration.json');
    expect(acm.json.decision.runbook).toBe('certificate-expiry');
    expect(acm.json.unknownOffline).toEqual(expect.arrayContaining([expect.stringContaining('is the estate')]));
  });

  it('a high-severity GuardDuty finding shows the isolate step, the interface unknown offline', async () => {
    const gd = (await replay(write('gd.json', inEstate('guardduty-finding.runtime-ecs-new-binary.constructed.json', 'find-a-court', (e) => (e.detail.severity = 8))))).json;
    expect(gd.decision.actions.map((a: { do: string }) => a.do)).toEqual(['isolate-task', 'stop-task', 'notify', 'escalate']);
    expect(gd.unknownOffline).toEqual([expect.stringContaining('network interface')]);
  });

  it('an AWS Health event naming a service of the cluster notifies its owner', async () => {
    const health = (await replay(write('health.json', fixture('aws-health-event.scheduled-change-ec2-instance-retirement.json') as object))).json.decision;
    expect(health.actions).toEqual([expect.not.objectContaining({ owner: expect.anything() })]);
    const event = fixture('aws-health-event.scheduled-change-ec2-instance-retirement.json') as { detail: { service: string }; resources: string[] };
    event.detail.service = 'ECS';
    event.resources = [`arn:aws:ecs:eu-west-2:222222222222:service/${CLUSTER}/send-money-to-prisoners`];
    const named = (await replay(write('health-ecs.json', event))).json.decision;
    expect(named.actions).toEqual([expect.objectContaining({ do: 'notify', owner: 'money-team@justice.example.gov.uk', subject: expect.stringContaining('send-money-to-prisoners') })]);
  });

  it('a latency alarm scales out within count.max', async () => {
    const file = write('latency.json', alarmEvent(`${CLUSTER}-find-a-court-latency-p99`));
    expect((await replay(file, '--desired', '2')).json.decision.actions[0]).toMatchObject({ do: 'scale', desiredCount: 3 });
    expect((await replay(file, '--desired', '6')).json.decision.actions.map((a: { do: string }) => a.do)).toEqual(['notify']);
  });

  it('says in words what it would do, and that staging is not in dry run', async () => {
    const { code, stdout } = await cityplan('runbook', 'replay', write('oom.json', inEstate('ecs-task-state-change.stopped-oom.constructed.json', 'book-a-prison-visit')), '--estate', 'examples/justice', '--env', 'staging');
    expect(code).toBe(0);
    expect(stdout).toContain('runbook: out-of-memory for book-a-prison-visit');
    expect(stdout).toContain('would do:');
    expect(stdout).toContain('set memory: 1024');
  });

  it('an event of another estate is ignored with the reason, exit 0', async () => {
    const { code, json } = await replay('test/fixtures/events/ecs-task-state-change.stopped-oom.constructed.json');
    expect(code).toBe(0);
    expect(json.decision.ignored).toBe('outside the estate: cluster example-cluster is not justice-staging');
  });

  it('a file that is not an event: exit 1 naming the file; not JSON: the same', async () => {
    for (const file of ['test/fixtures/events/guardduty-finding.ec2-ssh-brute-force.partial-envelope.json', 'test/fixtures/events/alb-access-log.http-https-h2.log']) {
      const { code, json, stderr } = await replay(file);
      expect(code).toBe(1);
      expect(json.problems[0].file).toBe(file);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a missing file or a folder: exit 1 naming the file, never an internal error', async () => {
    for (const [file, message] of [
      [join(dir, 'missing.json'), 'does not exist'],
      [dir, 'is a folder; give one EventBridge event as a JSON file'],
    ] as const) {
      const { code, json, stderr } = await replay(file);
      expect(code).toBe(1);
      expect(json.problems).toEqual([expect.objectContaining({ file, message })]);
      expect(stderr).not.toContain('internal error');
      const text = await cityplan('runbook', 'replay', file, '--estate', 'examples/justice', '--env', 'staging');
      expect(text.stderr).toContain(`the event file has 1 problem`);
      expect(text.stderr).toContain(`${file}: ${message}`);
    }
  });

  it('an unknown environment or a missing flag is a usage error (exit 2)', async () => {
    expect((await cityplan('runbook', 'replay', 'x.json', '--estate', 'examples/justice', '--env', 'qa')).code).toBe(2);
    expect((await cityplan('runbook', 'replay', 'x.json', '--estate', 'examples/justice', '--env', 'prod')).stderr).toContain("no environment 'prod' in justice; did you mean production?");
    expect((await cityplan('runbook', 'replay', 'x.json', '--estate', 'examples/justice')).code).toBe(2);
  });
});

describe('cityplan runbook list', () => {
  it('names a runbook file as it is spelt (.yml), and the fallback for log alarms', async () => {
    const dir = copyExample();
    renameSync(join(dir, 'runbooks/capacity-shortfall.yaml'), join(dir, 'runbooks/capacity-shortfall.yml'));
    const json = JSON.parse((await cityplan('runbook', 'list', dir, '--json')).stdout);
    expect(json.estateRunbooks.find((r: { name: string }) => r.name === 'capacity-shortfall').file).toBe('runbooks/capacity-shortfall.yml');
    expect(json.fallback.name).toBe('notify-owner');
    expect((await cityplan('runbook', 'list', dir)).stdout).toContain('notify-owner (cannot be switched off)');
  });

  it('lists every built-in runbook with its trigger, and each environment', async () => {
    const { code, stdout } = await cityplan('runbook', 'list', 'examples/justice', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.runbooks.map((r: { name: string }) => r.name)).toEqual(['deploy-regression', 'scale-out', 'crash-loop', 'out-of-memory', 'compromised-task', 'config-drift', 'certificate-expiry', 'scheduled-change']);
    expect(json.runbooks.every((r: { trigger: string }) => r.trigger.length > 0)).toBe(true);
    expect(json.estateRunbooks.map((r: { name: string }) => r.name)).toEqual(['capacity-shortfall', 'payments-unreachable']);
    expect(json.environments).toEqual([
      { name: 'staging', dryRun: false, maxActionsPerHour: 6 },
      { name: 'production', dryRun: false, maxActionsPerHour: 6 },
    ]);
  });
});
