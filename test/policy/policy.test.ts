import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { acknowledgements, checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { generatedEstateFiles } from '../support/estate-files';

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
