import { describe, expect, it } from 'vitest';
import type { Template } from '../../src/estate/claims';
import { type AssemblyStack, deployAssembly, emptyWorld, type World } from '../support/cloudformation';

// The model the transition tests rely on must itself catch what CloudFormation would refuse.
const ARENA = '111111111111/eu-west-2';
const record = (name: string, extra: object = {}) => ({
  Type: 'AWS::Route53::RecordSet',
  Properties: { HostedZoneId: 'Z1', Name: name, Type: 'A', ...extra },
});
const logGroup = (name: string, retain = false) => ({
  Type: 'AWS::Logs::LogGroup',
  Properties: { LogGroupName: name },
  ...(retain ? { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' } : {}),
});
const stack = (resources: Template['Resources'], dependencies: string[] = []): AssemblyStack => ({
  template: { Resources: resources },
  arena: ARENA,
  dependencies,
});
const world = (stacks: Record<string, AssemblyStack>): World => ({ stacks: new Map(Object.entries(stacks)), leftovers: [] });

describe('the CloudFormation model', () => {
  it('finds a name two stacks may create at once, and none once the one giving it up goes first', () => {
    const before = world({ a: stack({ R: record('x.') }), b: stack({ R: record('y.') }) });
    // GIVEN x moves from a to b
    const unordered = new Map([
      ['a', stack({ R: record('z.') })],
      ['b', stack({ R: record('x.') })],
    ]);
    expect(deployAssembly(before, unordered).collisions).not.toEqual([]);
    const ordered = new Map([
      ['a', stack({ R: record('z.') })],
      ['b', stack({ R: record('x.') }, ['a'])],
    ]);
    expect(deployAssembly(before, ordered).collisions).toEqual([]);
  });

  it('creates before it deletes: swapping two names between logical ids of one stack collides', () => {
    const before = world({ a: stack({ R0: record('x.'), R1: record('y.') }) });
    const swapped = new Map([['a', stack({ R0: record('y.'), R1: record('x.') })]]);
    expect(deployAssembly(before, swapped).collisions.join('\n')).toMatch(/y\. A held by a\/R1#0 and by a\/R0#1/);
  });

  it('updates in place what needs no replacement: changing an alias target keeps the record', () => {
    const before = world({ a: stack({ R0: record('x.', { AliasTarget: { DNSName: 'lb-1' } }) }) });
    const after = new Map([['a', stack({ R0: record('x.', { AliasTarget: { DNSName: 'lb-2' } }) })]]);
    expect(deployAssembly(before, after).collisions).toEqual([]);
  });

  it('refuses to replace a named resource under the same name', () => {
    const before = world({ a: stack({ L: logGroup('/x'), S: { Type: 'AWS::ECS::Service', Properties: { Cluster: 'c', ServiceName: 's' } } }) });
    const after = new Map([['a', stack({ L: logGroup('/x'), S: { Type: 'AWS::ECS::Service', Properties: { Cluster: 'c', ServiceName: 's', LaunchType: 'FARGATE' } } })]]);
    expect(deployAssembly(before, after).collisions.join('\n')).toMatch(/AWS::ECS::Service c s held by a\/S#0 and by a\/S#1/);
  });

  it('replaces a queue switched to FIFO: under one name it would collide with itself', () => {
    const queue = (name: string, fifo: boolean) => ({ Type: 'AWS::SQS::Queue', Properties: { QueueName: name, ...(fifo ? { FifoQueue: true } : {}) } });
    const before = world({ a: stack({ Q: queue('q', false) }) });
    expect(deployAssembly(before, new Map([['a', stack({ Q: queue('q', true) })]])).collisions.join('\n')).toMatch(/AWS::SQS::Queue q held by a\/Q#0 and by a\/Q#1/);
    expect(deployAssembly(before, new Map([['a', stack({ Q: queue('q.fifo', true) })]])).collisions).toEqual([]);
  });

  it('keeps a retained resource after its stack forgets it, so a new one of that name collides', () => {
    const first = deployAssembly(world({ a: stack({ L: logGroup('/x', true) }) }), new Map([['a', stack({ W: { Type: 'AWS::CloudFormation::WaitConditionHandle' } })]]), new Set(['a']));
    expect(first.collisions).toEqual([]);
    expect(first.world.stacks.has('a')).toBe(false);
    const again = deployAssembly(first.world, new Map([['a', stack({ L: logGroup('/x', true) })]]));
    expect(again.collisions.join('\n')).toMatch(/AWS::Logs::LogGroup \/x held by a\/L#1 and by left behind by a\/L#0/);
  });

  it('lets a target group serve one load balancer at a time', () => {
    const rule = (listener: string) => ({
      Type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
      Properties: { ListenerArn: listener, Priority: 1, Actions: [{ Type: 'forward', TargetGroupArn: { Ref: 'T' } }] },
    });
    const group = { Type: 'AWS::ElasticLoadBalancingV2::TargetGroup', Properties: { Port: 80 } };
    const before = world({ a: stack({ T: group, R: rule('listener-0') }) });
    const moved = deployAssembly(before, new Map([['a', stack({ T: group, R: rule('listener-1') })]]));
    expect(moved.collisions.join('\n')).toMatch(/target group .* serves one load balancer held by listener listener-0 and by listener listener-1/);
  });

  it('finds a parameter removed while a deployed stack still reads it', () => {
    const reader = { ...stack({ L: logGroup('/r') }), template: { Parameters: { P: { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/cityplan/e/s/x' } }, Resources: { L: logGroup('/r') } } };
    const provider = stack({ P: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/cityplan/e/s/x', Value: '1' } } });
    const before = world({ reader, provider });
    const gone = deployAssembly(before, new Map([['provider', stack({ W: { Type: 'AWS::CloudFormation::WaitConditionHandle' } })]]));
    expect(gone.collisions).toEqual(['reader still reads /cityplan/e/s/x, which provider removes']);
    expect(deployAssembly(emptyWorld(), new Map([['reader', reader]])).collisions).toEqual(['reader reads /cityplan/e/s/x, which no stack provides']);
  });
});
