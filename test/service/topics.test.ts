import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { derivedNames, resourceName, variable } from '../../src/naming/names';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';

const worker = (name: string, extra = '') => `name: ${name}\nkind: worker\nowner: team@example.gov.uk\nimage: example/${name}:1\n${extra}`;

describe('topics a service publishes', () => {
  // GIVEN a web service and a worker that each publish topics
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', 'publish: [visit-booked, visit-cancelled]\n'),
    'services/notify.yaml': worker('notify', 'publish: [notice-sent]\n'),
    'services/quiet.yaml': webService('quiet'),
  });
  const visits = estate.template('test-production-visits');
  const notify = estate.template('test-production-notify');

  it('are named <estate>-<env>-<service>_<topic>, so that subscribers in other stacks can compute their ARNs', () => {
    visits.resourceCountIs('AWS::SNS::Topic', 2);
    visits.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'test-production-visits_visit-booked' });
    visits.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'test-production-visits_visit-cancelled' });
    notify.hasResourceProperties('AWS::SNS::Topic', { TopicName: 'test-production-notify_notice-sent' });
    // Service a's topic b-c and service a-b's topic c are different topics.
    expect(resourceName.topic('e', 'p', 'a', 'b-c')).not.toBe(resourceName.topic('e', 'p', 'a-b', 'c'));
  });

  it('are encrypted with the environment key', () => {
    for (const topic of Object.values(visits.findResources('AWS::SNS::Topic'))) {
      expect(topic.Properties.KmsMasterKeyId).toEqual({ Ref: expect.stringMatching(/^SsmParameterValuecityplantestproductionkeyarn/) });
    }
  });

  it('let only the service publish, only over TLS, and only queues of the account and region subscribe', () => {
    visits.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sns:Publish',
            Condition: { StringNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaskTaskRole'), 'Arn'] } } },
          }),
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Subscribe', Condition: { StringNotEquals: { 'sns:Protocol': 'sqs' } } }),
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Subscribe', Condition: { StringNotLike: { 'sns:Endpoint': 'arn:aws:sqs:eu-west-2:333333333333:*' } } }),
        ]),
      },
    });
    // One policy per topic, each about its own topic only (SNS: a policy covers one topic).
    visits.resourceCountIs('AWS::SNS::TopicPolicy', 2);
  });

  it('grant the task role publishing and the key uses SNS asks of a publisher, without wildcard actions', () => {
    visits.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskTaskRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'sns:Publish',
            Resource: [{ Ref: Match.stringLikeRegexp('^Topicsvisitbooked') }, { Ref: Match.stringLikeRegexp('^Topicsvisitcancelled') }],
          },
          { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { Ref: Match.stringLikeRegexp('keyarn') } },
        ]),
      },
    });
  });

  it('reach the container as TOPIC_<NAME>_ARN', () => {
    expect(variable.topicArn('visit-booked')).toBe('TOPIC_VISIT_BOOKED_ARN');
    visits.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            { Name: 'TOPIC_VISIT_BOOKED_ARN', Value: { Ref: Match.stringLikeRegexp('^Topicsvisitbooked') } },
            { Name: 'TOPIC_VISIT_CANCELLED_ARN', Value: { Ref: Match.stringLikeRegexp('^Topicsvisitcancelled') } },
          ]),
        }),
      ],
    });
  });

  it('leave a service that publishes nothing without topics or task role permissions', () => {
    const quiet = estate.template('test-production-quiet');
    quiet.resourceCountIs('AWS::SNS::Topic', 0);
    quiet.resourceCountIs('AWS::SNS::TopicPolicy', 0);
    expect(Object.values(quiet.findResources('AWS::IAM::Policy')).map((p) => p.Properties.Roles)).not.toContainEqual([{ Ref: expect.stringMatching(/^TaskTaskRole/) }]);
  });

  it('are checked against the SNS name limit with the other derived names', () => {
    const names = derivedNames('test', 'production', 'visits', 'example.gov.uk', ['visit-booked']);
    expect(names).toContainEqual({ what: 'SNS topic name', value: 'test-production-visits_visit-booked', limit: 256 });
  });
});
