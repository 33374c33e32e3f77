import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { prioritiesOf } from '../../src/estate/lock';
import { EstateError } from '../../src/manifest/problems';
import { checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { webService, STAGING_ESTATE as STAGING } from '../support/estate-files';

const withDeploy = (name: string, strategy: string, bake = 0) => webService(name, `deploy:\n  strategy: ${strategy}\n  bake: ${bake}\n`);
const manyHosts = Array.from({ length: 12 }, (_, i) => `n${i}.elsewhere.gov.uk`);

// GIVEN one web service of each strategy, and a rolling one with 12 hostnames outside the wildcard
const estate = compile({
  'estate.yaml': STAGING,
  'services/rolling.yaml': webService('rolling'),
  'services/canary.yaml': withDeploy('canary', 'canary', 15),
  'services/linear.yaml': withDeploy('linear', 'linear', 5),
  'services/bluegreen.yaml': withDeploy('bluegreen', 'blue-green', 30),
  'services/many.yaml': webService('many', `hostnames: [${manyHosts.join(', ')}]\n`),
});
const template = (service: string) => estate.template(`test-staging-${service}`);
const resources = (t: Template, type: string) => Object.entries(t.findResources(type)) as Array<[string, { Properties: Record<string, any> }]>;

describe('web service deploy strategies', () => {
  it('rolling keeps one target group, no ECS strategy and no load balancer role: the template every service has had', () => {
    const t = template('rolling');
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    t.resourceCountIs('AWS::IAM::Role', 2);
    const [, service] = resources(t, 'AWS::ECS::Service')[0]!;
    expect(service.Properties.DeploymentConfiguration.Strategy).toBeUndefined();
    expect(service.Properties.LoadBalancers[0].AdvancedConfiguration).toBeUndefined();
    expect(Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'))[0]).toMatch(/^Targets/);
  });

  it.each([
    ['canary', { Strategy: 'CANARY', CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 10 }, BakeTimeInMinutes: 15 }],
    ['linear', { Strategy: 'LINEAR', LinearConfiguration: { StepPercent: 20, StepBakeTimeInMinutes: 5 }, BakeTimeInMinutes: 5 }],
    ['bluegreen', { Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 30 }],
  ])('%s: ECS-native deployment with its steps and bake, still with the circuit breaker and the error-rate alarm rollback', (service, expected) => {
    template(service).hasResourceProperties('AWS::ECS::Service', {
      DeploymentController: Match.absent(),
      DeploymentConfiguration: Match.objectLike({
        ...expected,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        Alarms: { AlarmNames: [{ Ref: Match.stringLikeRegexp('^AlarmsErrorRate') }], Enable: true, Rollback: true },
      }),
    });
  });

  it.each(['canary', 'linear', 'bluegreen'])('%s: two target groups, the production rule forwarding 100/0, and ECS allowed to shift it', (service) => {
    const t = template(service);
    const groups = resources(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => id);
    expect(groups).toHaveLength(2);
    const primary = groups.find((id) => id.startsWith('Targets'))!;
    const alternate = groups.find((id) => id.startsWith('AlternateTargets'))!;
    const rules = resources(t, 'AWS::ElasticLoadBalancingV2::ListenerRule');
    // One rule: no test listener rule (ECS would move from test to production traffic without a pause, which only a Lambda hook adds).
    expect(rules).toHaveLength(1);
    const [ruleId, rule] = rules[0]!;
    expect(ruleId).toMatch(/^Route/);
    expect(rule.Properties.Actions).toEqual([
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: { Ref: primary }, Weight: 100 },
            { TargetGroupArn: { Ref: alternate }, Weight: 0 },
          ],
        },
      },
    ]);
    const [, ecsService] = resources(t, 'AWS::ECS::Service')[0]!;
    const roles = resources(t, 'AWS::IAM::Role').filter(([, r]) => JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('"ecs.amazonaws.com"'));
    expect(roles).toHaveLength(1);
    const [roleId, role] = roles[0]!;
    expect(ecsService.Properties.LoadBalancers).toEqual([
      {
        ContainerName: 'app',
        ContainerPort: 8080,
        TargetGroupArn: { Ref: primary },
        AdvancedConfiguration: { AlternateTargetGroupArn: { Ref: alternate }, ProductionListenerRule: { Ref: ruleId }, RoleArn: { 'Fn::GetAtt': [roleId, 'Arn'] } },
      },
    ]);
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(':iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers');
    expect(role.Properties.Policies).toBeUndefined();
  });

  it('watches both target groups: the error-rate alarm (which rolls back) and request scaling follow traffic wherever ECS left it', () => {
    const t = template('bluegreen');
    const alarm = resources(t, 'AWS::CloudWatch::Alarm').find(([id]) => id.startsWith('AlarmsErrorRate'))![1];
    const groupsWatched = new Set(
      (alarm.Properties.Metrics as Array<{ MetricStat?: { Metric: { Dimensions: Array<{ Name: string; Value: unknown }> } } }>)
        .flatMap((m) => m.MetricStat?.Metric.Dimensions.filter((d) => d.Name === 'TargetGroup').map((d) => JSON.stringify(d.Value)) ?? []),
    );
    expect(groupsWatched.size).toBe(2);
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        TargetValue: 1000,
        PredefinedMetricSpecification: Match.absent(),
        CustomizedMetricSpecification: {
          Metrics: [
            Match.objectLike({ Id: 'm1', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RequestCountPerTarget' }) }) }),
            Match.objectLike({ Id: 'm2', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'RequestCountPerTarget' }) }) }),
            Match.objectLike({ Id: 'requests', Expression: 'FILL(m1, 0) + FILL(m2, 0)', ReturnData: true }),
          ],
        },
      }),
    });
  });

  it('costs its shard a second target group per traffic-shifting service, and a rule per 5 names', () => {
    const placed = estate.allocation.get('staging')!;
    expect(placed.shards).toEqual([{ id: 0, services: 5, rules: 5 + 2, targetGroups: 5 + 3, certificates: 2 }]);
  });

  it('passes the policy packs, the load balancer role acknowledged for its AWS managed policy', () => {
    estate.app.synth();
    expect(checkPolicy(estate.app)).toEqual([]);
  });
});

describe('a web service with many hostnames', () => {
  const t = template('many');

  it('gets a rule per 5 names, each at a priority of its own from the allocation, all to its one target group', () => {
    const placement = estate.allocation.get('staging')!.placements.many!;
    const priorities = prioritiesOf(placement);
    expect(priorities).toHaveLength(3);
    const rules = resources(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').sort(([, a], [, b]) => a.Properties.Priority - b.Properties.Priority);
    expect(rules.map(([id]) => id.replace(/[0-9A-F]{8}$/, ''))).toEqual(['Route', 'Route2', 'Route3']);
    const values = rules.map(([, r]) => r.Properties.Conditions[0].HostHeaderConfig.Values as string[]);
    for (const v of values) expect(v.length).toBeLessThanOrEqual(5);
    expect(values.flat()).toEqual(['many.staging.example.gov.uk', ...manyHosts]);
    expect(values[0]![0]).toBe('many.staging.example.gov.uk');
    expect(rules.map(([, r]) => r.Properties.Priority)).toEqual(priorities);
    const [group] = Object.keys(t.findResources('AWS::ElasticLoadBalancingV2::TargetGroup'));
    for (const [, r] of rules) expect(r.Properties.Actions).toEqual([{ Type: 'forward', TargetGroupArn: { Ref: group } }]);
  });

  it('brings a certificate per 10 names outside the wildcard, each an SNI certificate on the listener', () => {
    const certificates = resources(t, 'AWS::CertificateManager::Certificate').map(([, c]) => [c.Properties.DomainName, ...(c.Properties.SubjectAlternativeNames ?? [])]);
    expect(certificates).toHaveLength(2);
    for (const names of certificates) expect(names.length).toBeLessThanOrEqual(10);
    expect(certificates.flat().sort()).toEqual([...manyHosts].sort());
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerCertificate', 2);
  });
});

describe('deploy settings the manifest refuses', () => {
  const problems = (files: Record<string, string>) => {
    try {
      compile({ 'estate.yaml': STAGING, ...files });
    } catch (e) {
      if (e instanceof EstateError) return e.problems.map((p) => `${p.field}: ${p.message}`);
      throw e;
    }
    return [];
  };

  it('a traffic-shifting strategy with more names than one rule matches', () => {
    const five = Array.from({ length: 5 }, (_, i) => `h${i}.staging.example.gov.uk`);
    expect(problems({ 'services/a.yaml': webService('a', `hostnames: [${five.join(', ')}]\ndeploy:\n  strategy: canary\n`) })).toEqual([
      expect.stringMatching(/^(hostnames|deploy.strategy): canary shifts traffic on one listener rule, which matches at most 5 names .* this service has 6/),
    ]);
    expect(problems({ 'services/a.yaml': webService('a', `hostnames: [${five.slice(1).join(', ')}]\ndeploy:\n  strategy: canary\n`) })).toEqual([]);
  });

  it('a bake time with rolling, and more than 50 hostnames', () => {
    expect(problems({ 'services/a.yaml': webService('a', 'deploy:\n  bake: 10\n') })).toEqual([expect.stringMatching(/^deploy.bake: is a stage of canary, linear and blue-green/)]);
    const many = Array.from({ length: 51 }, (_, i) => `h${i}.staging.example.gov.uk`);
    expect(problems({ 'services/a.yaml': webService('a', `hostnames: [${many.join(', ')}]\n`) })).toEqual([expect.stringMatching(/^hostnames: at most 50 hostnames/)]);
  });
});
