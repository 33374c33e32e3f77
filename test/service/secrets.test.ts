/** A service's `secrets` become Secrets Manager secrets its own stack creates, with no value in any template. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resourceName } from '../../src/naming/names';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';

describe('owned secrets', () => {
  // GIVEN a web service with two secrets, in an unprotected (staging) and a protected (production) environment
  const estate = compile({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits', 'secrets: [SESSION_SECRET, API_KEY]\n') });
  const production = estate.template('test-production-visits');
  const staging = estate.template('test-staging-visits');
  const keyArn = { Ref: Match.stringLikeRegexp('^SsmParameterValuecityplantestproductionkeyarn') };

  it('creates each secret under <estate>/<env>/<service>/<NAME>, encrypted with the environment key, with a generated placeholder', () => {
    production.resourceCountIs('AWS::SecretsManager::Secret', 2);
    for (const name of ['SESSION_SECRET', 'API_KEY']) {
      production.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `test/production/visits/${name}`,
        KmsKeyId: keyArn,
        GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
      });
    }
  });

  it('injects each as the variable of the same name, readable by the execution role only', () => {
    const task = Object.values(production.findResources('AWS::ECS::TaskDefinition'))[0] as { Properties: { ContainerDefinitions: Array<{ Secrets: Array<{ Name: string; ValueFrom: { Ref: string } }> }> } };
    const injected = task.Properties.ContainerDefinitions[0]!.Secrets;
    const secrets = production.findResources('AWS::SecretsManager::Secret');
    expect(injected.map((s) => [s.Name, (secrets[s.ValueFrom.Ref] as { Properties: { Name: string } }).Properties.Name])).toEqual([
      ['SESSION_SECRET', 'test/production/visits/SESSION_SECRET'],
      ['API_KEY', 'test/production/visits/API_KEY'],
    ]);
    production.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskExecutionRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Effect: 'Allow',
            Resource: [{ Ref: Match.stringLikeRegexp('^SecretAPIKEY') }, { Ref: Match.stringLikeRegexp('^SecretSESSIONSECRET') }],
          },
          { Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-2.amazonaws.com' } }, Effect: 'Allow', Resource: keyArn },
        ]),
      },
    });
  });

  it('is retained in a protected environment and deleted with its stack elsewhere', () => {
    production.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    staging.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
  });

  it('puts no secret value in any template of the assembly', () => {
    for (const { stack } of estate.stacks) {
      const json = JSON.stringify(estate.template(stack.stackName).toJSON());
      expect(json).not.toMatch(/"SecretString"|"SecretStringTemplate"/);
    }
  });

  it('takes a new name in a later life of the service, beside the secrets an earlier life left', () => {
    expect(resourceName.secret('test', 'production', 'visits', 'API_KEY')).toBe('test/production/visits/API_KEY');
    expect(resourceName.secret('test', 'production', 'visits', 'API_KEY', 2)).toBe('test/production/visits/2/API_KEY');
  });

  it('creates nothing for a service without secrets', () => {
    const bare = compile({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits') });
    bare.template('test-production-visits').resourceCountIs('AWS::SecretsManager::Secret', 0);
  });
});

describe('secrets made by hand before stacks owned them', () => {
  // GIVEN a service whose API_KEY was made by hand under today's name, and whose SESSION_SECRET was not
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', 'secrets: [SESSION_SECRET, API_KEY]\nsecretsMadeByHand: [API_KEY]\n'),
  });
  const production = estate.template('test-production-visits');

  it('are read by their name and not created, so the deploy does not collide with them', () => {
    production.resourceCountIs('AWS::SecretsManager::Secret', 1);
    production.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'test/production/visits/SESSION_SECRET' });
    expect(JSON.stringify(production.toJSON())).toContain('secret:test/production/visits/API_KEY-??????');
    production.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Secrets: Match.arrayWith([Match.objectLike({ Name: 'API_KEY' })]) })],
    });
  });
});
