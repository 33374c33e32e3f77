import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { acknowledgements, checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { generatedEstateFiles, mixedEstateFiles } from '../support/estate-files';

describe('policy packs (AwsSolutions, NIST 800-53 R5)', () => {
  it('find nothing unacknowledged in the example estate', () => {
    const { app } = compile('examples/justice');
    app.synth();
    expect(checkPolicy(app)).toEqual([]);
  });

  // 96 services fill one load balancer shard and start a second in each environment: every kind of
  // stack, protected and not. How long a thousand take is bench/plan.ts's measure, not a test's.
  it('find nothing unacknowledged in a generated estate of two shards per environment', () => {
    const { app, stacks } = compile(generatedEstateFiles(96));
    expect(stacks.filter((s) => s.plan.role === 'ingress').length).toBe(4);
    expect(stacks.filter((s) => s.plan.role === 'service').length).toBe(192);
    app.synth();
    expect(checkPolicy(app)).toEqual([]);
  });

  // Events between services in both environments: web services publishing topics, workers with
  // standard and FIFO queues subscribed to them (one to its own topic), and a worker without a queue.
  it('find nothing unacknowledged in a generated estate of publishers and subscribing workers', () => {
    const files = generatedEstateFiles(4);
    files['services/service-0000.yaml'] += 'publish: [case-updated, case-closed]\n';
    files['services/service-0001.yaml'] += 'publish: [payment-made]\n';
    const worker = (name: string, extra: string) => `name: ${name}\nkind: worker\nowner: team@example.gov.uk\nimage: example/${name}:1\n${extra}`;
    files['services/notify.yaml'] = worker(
      'notify',
      'publish: [notice-sent]\nsubscribe:\n  - service: service-0000\n    topic: case-updated\n    filter:\n      court: [crown]\n  - service: service-0001\n    topic: payment-made\n  - service: notify\n    topic: notice-sent\n',
    );
    files['services/ledger.yaml'] = worker('ledger', 'queue:\n  fifo: true\n  maxReceives: 2\n');
    files['services/sweeper.yaml'] = worker('sweeper', '');
    const { app, template } = compile(files);
    app.synth();
    template('test-production-notify').resourceCountIs('AWS::SNS::Subscription', 3);
    expect(checkPolicy(app)).toEqual([]);
  });

  // Every kind with a bucket (versioned or not) and a cache, protected and not.
  it('find nothing unacknowledged in an estate whose services of every kind have buckets and caches', () => {
    const files = mixedEstateFiles(10);
    for (const path of Object.keys(files).filter((p) => p.startsWith('services/') && !files[p]!.includes('bucket:'))) {
      files[path] += path.endsWith('0.yaml') ? 'bucket:\n  versioned: true\ncache:\n  maxMemory: 10\n' : 'bucket: {}\ncache: {}\n';
    }
    const { app, template } = compile(files);
    app.synth();
    template('test-production-service-0000').resourceCountIs('AWS::ElastiCache::ServerlessCache', 1);
    expect(checkPolicy(app)).toEqual([]);
  });

  it('find nothing unacknowledged in a generated estate with every kind of service and link between them', () => {
    const { app, stacks } = compile(mixedEstateFiles(20));
    const kinds = new Set(stacks.filter((s) => s.plan.role === 'service').map((s) => s.stack.templateOptions.description?.split(' ')[2]));
    expect([...kinds].sort()).toEqual(['backend', 'job', 'web', 'worker']);
    app.synth();
    expect(checkPolicy(app)).toEqual([]);
  });

  it('report a resource nobody acknowledged', () => {
    const { app, stack } = compile('examples/justice', { environment: 'staging' });
    new s3.Bucket(stack('justice-staging-foundation'), 'Careless');
    const rules = checkPolicy(app)
      .filter((f) => f.path.includes('/Careless/'))
      .map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10', 'NIST.800.53.R5-S3BucketLoggingEnabled']));
  });

  it('every acknowledgement carries a reason a reviewer can judge, on the construct it excuses', () => {
    const { app } = compile('examples/justice');
    const acks = acknowledgements(app);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(40);
      // Acknowledged on a resource or construct, never wholesale on a stack or the app.
      expect(ack.path.split('/').length, `${ack.rule} at ${ack.path}`).toBeGreaterThan(1);
      expect(Stack.isStack(app.node.findChild(ack.path.split('/')[0]!))).toBe(true);
    }
  });
});
