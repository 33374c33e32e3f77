import { describe, expect, it } from 'vitest';
import { describeClaim, parseRuleClaim, ruleClaim, templateClaims } from '../../src/estate/claims';
import { environmentRoot } from '../../src/naming/names';
import { compile } from '../support/compile';
import { generatedEstateFiles } from '../support/estate-files';

describe('claims', () => {
  // GIVEN every kind of stack cityplan builds: foundation, certificate, shards, services with and without extra names
  const estate = compile(generatedEstateFiles(12));
  const assembly = estate.app.synth();

  it('are read from every template cityplan builds: each resource type is classified', () => {
    for (const { stack, plan } of estate.stacks) {
      const template = assembly.getStackByName(stack.stackName).template;
      expect(() => templateClaims(template, plan.name, environmentRoot('test', plan.environment)), plan.name).not.toThrow();
    }
  });

  it('of a service are its rule priority on its shard, its DNS records and its named resources; the retained ones are marked', () => {
    const template = assembly.getStackByName('test-production-service-0000').template;
    const { claims, retains, duplicates } = templateClaims(template, 'test-production-service-0000', environmentRoot('test', 'production'));
    const { shard, priority } = estate.allocation.get('production')!.placements['service-0000']!;
    expect(claims).toContain(ruleClaim('test', 'production', shard, priority));
    expect(parseRuleClaim(ruleClaim('test', 'production', shard, priority))).toEqual({ shard, priority });
    expect(claims).toContain('AWS::Route53::RecordSet {dns/zone-id} service-0000.example.gov.uk. A');
    expect(claims).toContain('AWS::Route53::RecordSet {dns/zone-id} service-0000.services.example.gov.uk. A');
    expect(claims).toContain('AWS::ECS::Service {cluster/name} service-0000');
    expect(retains).toEqual([
      'AWS::Logs::LogGroup /cityplan/test/production/service-0000',
      'AWS::SecretsManager::Secret test/production/service-0000/SESSION_SECRET',
      'AWS::SecretsManager::Secret test/production/service-0000/API_KEY',
    ]);
    expect(duplicates).toEqual([]);
    // A claim on one of the stack's own resources can never meet another stack's: it is not recorded.
    expect(claims.some((c) => c.includes('test-production-service-0000:'))).toBe(false);
  });

  it('of a worker and a publisher are their queue, dead-letter queue, alarm and topic names', () => {
    const files = generatedEstateFiles(1, 1);
    files['services/service-0000.yaml'] += 'publish: [case-updated]\n';
    files['services/notify.yaml'] = 'name: notify\nkind: worker\nimage: example/notify:1\nsubscribe:\n  - service: service-0000\n    topic: case-updated\n';
    const events = compile(files);
    const synthesized = events.app.synth();
    const claimsOf = (name: string) => templateClaims(synthesized.getStackByName(name).template, name, environmentRoot('test', 'staging'));
    const worker = claimsOf('test-staging-notify');
    expect(worker.claims).toEqual(
      expect.arrayContaining([
        'AWS::SQS::Queue test-staging-notify',
        'AWS::SQS::Queue test-staging-notify_dlq',
        'AWS::CloudWatch::Alarm test-staging-notify-dead-letters',
      ]),
    );
    expect(worker.duplicates).toEqual([]);
    expect(claimsOf('test-staging-service-0000').claims).toContain('AWS::SNS::Topic test-staging-service-0000_case-updated');
    expect(describeClaim('AWS::SQS::Queue test-staging-notify')).toBe('SQS queue test-staging-notify');
  });

  it('refuse a resource type nobody classified, naming it', () => {
    expect(() => templateClaims({ Resources: { X: { Type: 'AWS::New::Thing' } } }, 's', '/')).toThrow('claims.ts does not say what AWS::New::Thing claims');
  });

  it('read as people say them', () => {
    expect(describeClaim(ruleClaim('test', 'staging', 1, 7))).toBe('listener rule priority 7 on load balancer shard 1');
    expect(describeClaim('AWS::Route53::RecordSet {dns/zone-id} a.example.gov.uk. A')).toBe('DNS A record a.example.gov.uk');
    expect(describeClaim('AWS::ECS::Service {cluster/name} visits')).toBe('ECS service visits');
    expect(describeClaim('AWS::Logs::LogGroup /cityplan/x')).toBe('log group /cityplan/x');
  });
});
