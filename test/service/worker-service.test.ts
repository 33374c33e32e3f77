import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { compile } from '../support/compile';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

const worker = (name: string, extra = '') => `name: ${name}\nkind: worker\nowner: team@example.gov.uk\nimage: example/${name}:1\n${extra}`;
const KEY = { Ref: Match.stringLikeRegexp('^SsmParameterValuecityplantestproductionkeyarn') };
const TASK_ROLE_ARN = { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaskTaskRole'), 'Arn'] };

/** The one resource of a type whose properties match (objectLike), with its logical id. */
function only(t: Template, type: string, props: Record<string, unknown>): [string, { Properties: Record<string, unknown> }] {
  const found = Object.entries(t.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found, `${type} like ${JSON.stringify(props)}`).toHaveLength(1);
  return found[0] as [string, { Properties: Record<string, unknown> }];
}

describe('worker service stack', () => {
  // GIVEN a web service publishing two topics, a worker subscribed to them (one with a filter), a
  // worker with a FIFO queue, one with a default queue, and one with no queue
  const estate = compile({
    'estate.yaml': MINIMAL_ESTATE,
    'services/visits.yaml': webService('visits', 'publish: [visit-booked, visit-cancelled]\n'),
    'services/notify.yaml': worker(
      'notify',
      [
        'queue:\n  visibilityTimeout: 120\n  maxReceives: 3',
        'subscribe:\n  - service: visits\n    topic: visit-booked\n    filter:\n      visitType: [legal]\n  - service: visits\n    topic: visit-cancelled',
        'count:\n  min: 2\n  max: 8',
      ].join('\n') + '\n',
    ),
    'services/orders.yaml': worker('orders', 'queue:\n  fifo: true\n'),
    'services/plain.yaml': worker('plain', 'queue: {}\n'),
    'services/cruncher.yaml': worker('cruncher', 'scale:\n  cpu: 70\n'),
  });
  const notify = estate.template('test-production-notify');
  const orders = estate.template('test-production-orders');
  const plain = estate.template('test-production-plain');
  const cruncher = estate.template('test-production-cruncher');
  const [queueId] = only(notify, 'AWS::SQS::Queue', { QueueName: 'test-production-notify' });
  const [deadId] = only(notify, 'AWS::SQS::Queue', { QueueName: 'test-production-notify_dlq' });

  it('has no ingress: its tasks’ security group takes no inbound rule', () => {
    for (const t of [notify, orders, plain, cruncher]) {
      t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
      t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
      for (const group of Object.values(t.findResources('AWS::EC2::SecurityGroup'))) expect(group.Properties.SecurityGroupIngress ?? []).toEqual([]);
      expect(JSON.stringify(t.findResources('AWS::ECS::TaskDefinition'))).not.toContain('PortMappings');
    }
  });

  it('encrypts the queue and its dead-letter queue with the environment key', () => {
    for (const t of [notify, orders, plain]) {
      const queues = Object.values(t.findResources('AWS::SQS::Queue'));
      expect(queues).toHaveLength(2);
      for (const q of queues) expect(q.Properties.KmsMasterKeyId).toEqual({ Ref: expect.stringMatching(/^SsmParameterValuecityplantestproductionkeyarn/) });
    }
  });

  it('moves a message to the dead-letter queue after maxReceives receives (default 5), and keeps it there 14 days', () => {
    notify.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'test-production-notify',
      VisibilityTimeout: 120,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadId, 'Arn'] }, maxReceiveCount: 3 },
    });
    notify.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'test-production-notify_dlq', MessageRetentionPeriod: 1209600 });
    plain.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: 'test-production-plain',
      VisibilityTimeout: 30,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it('makes both queues FIFO when asked, named .fifo as SQS requires, so a switch replaces the queue under a new name', () => {
    orders.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'test-production-orders.fifo', FifoQueue: true, ContentBasedDeduplication: true });
    orders.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'test-production-orders_dlq.fifo', FifoQueue: true });
    for (const q of Object.values(plain.findResources('AWS::SQS::Queue'))) expect(q.Properties.FifoQueue).toBeUndefined();
  });

  it('alarms the alerts topic as soon as the dead-letter queue holds a message, and again when it is empty', () => {
    notify.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-production-notify-dead-letters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^SsmParameterValuecityplantestproductionalertstopicarn') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^SsmParameterValuecityplantestproductionalertstopicarn') }],
    });
  });

  it('lets only the worker consume its queue, over TLS only, without locking anyone out of managing it', () => {
    const [, policy] = only(notify, 'AWS::SQS::QueuePolicy', { Queues: [{ Ref: queueId }] });
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    const consumers = statements.filter((s) => s.Sid === 'OnlyTheWorkerConsumes');
    expect(consumers).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage'],
        Condition: { StringNotEquals: { 'aws:PrincipalArn': { 'Fn::GetAtt': [expect.stringMatching(/^TaskTaskRole/), 'Arn'] } } },
      }),
    ]);
    // Administrators and CloudFormation may still change or delete the queue and its policy.
    const denied = statements.filter((s) => s.Effect === 'Deny' && !s.Condition?.toString().includes('SecureTransport')).flatMap((s) => [s.Action].flat());
    for (const action of ['sqs:SetQueueAttributes', 'sqs:DeleteQueue', 'sqs:PurgeQueue', 'sqs:GetQueueAttributes']) expect(denied).not.toContain(action);
    // The task role may consume: receive, change visibility, delete, and decrypt with the key.
    notify.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TaskTaskRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:ReceiveMessage']), Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } }),
          Match.objectLike({ Action: 'kms:Decrypt', Resource: KEY }),
        ]),
      },
    });
  });

  it('keeps the dead-letter queue TLS-only and open to operators, who inspect and redrive it', () => {
    const [, policy] = only(notify, 'AWS::SQS::QueuePolicy', { Queues: [{ Ref: deadId }] });
    const statements = (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement;
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements.filter((s) => s.Sid === 'OnlyTheWorkerConsumes')).toEqual([]);
  });

  it('gives the container the queue URL as QUEUE_URL', () => {
    notify.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: Match.arrayWith([{ Name: 'QUEUE_URL', Value: { Ref: queueId } }]) })],
    });
    expect(JSON.stringify(cruncher.findResources('AWS::ECS::TaskDefinition'))).not.toContain('QUEUE_URL');
  });

  it('scales on backlog per task (messages visible over running tasks) as well as on CPU', () => {
    notify.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 8 });
    notify.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 10,
        CustomizedMetricSpecification: {
          Metrics: [
            {
              Id: 'messages',
              Label: Match.anyValue(),
              MetricStat: {
                Metric: { Namespace: 'AWS/SQS', MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }] },
                Stat: 'Sum',
              },
              ReturnData: false,
            },
            {
              Id: 'tasks',
              Label: Match.anyValue(),
              MetricStat: {
                Metric: {
                  Namespace: 'ECS/ContainerInsights',
                  MetricName: 'RunningTaskCount',
                  Dimensions: [
                    { Name: 'ClusterName', Value: { Ref: Match.stringLikeRegexp('clustername') } },
                    { Name: 'ServiceName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Service'), 'Name'] } },
                  ],
                },
                Stat: 'Average',
              },
              ReturnData: false,
            },
            { Id: 'backlog', Label: Match.anyValue(), Expression: 'messages / tasks', ReturnData: true },
          ],
        },
      },
    });
    notify.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
    notify.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2);
  });

  it('scales a worker without a queue on CPU only', () => {
    cruncher.resourceCountIs('AWS::SQS::Queue', 0);
    cruncher.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    cruncher.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 70, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' } }),
    });
  });

  it('subscribes its queue to the topics it names, at the ARN the publisher’s topic has, with the filter as filter policy', () => {
    const visits = estate.template('test-production-visits');
    const published = Object.values(visits.findResources('AWS::SNS::Topic')).map((t) => `arn:aws:sns:eu-west-2:333333333333:${t.Properties.TopicName}`);
    const [bookedArn, cancelledArn] = published;
    notify.resourceCountIs('AWS::SNS::Subscription', 2);
    const [, booked] = only(notify, 'AWS::SNS::Subscription', { TopicArn: bookedArn });
    expect(booked.Properties).toEqual({
      TopicArn: bookedArn,
      Protocol: 'sqs',
      Endpoint: { 'Fn::GetAtt': [queueId, 'Arn'] },
      RawMessageDelivery: false,
      FilterPolicy: { visitType: ['legal'] },
      FilterPolicyScope: 'MessageAttributes',
      // What SNS cannot deliver lands in the dead-letter queue, where the alarm sees it.
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadId, 'Arn'] } },
    });
    const [, cancelled] = only(notify, 'AWS::SNS::Subscription', { TopicArn: cancelledArn });
    expect(cancelled.Properties.FilterPolicy).toBeUndefined();
  });

  it('lets SNS send into its queues only from the topics it subscribes to', () => {
    for (const id of [queueId, deadId]) {
      const [, policy] = only(notify, 'AWS::SQS::QueuePolicy', { Queues: [{ Ref: id }] });
      expect((policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'sns.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [id, 'Arn'] },
          Condition: {
            ArnEquals: {
              'aws:SourceArn': ['arn:aws:sns:eu-west-2:333333333333:test-production-visits_visit-booked', 'arn:aws:sns:eu-west-2:333333333333:test-production-visits_visit-cancelled'],
            },
          },
        }),
      );
    }
    // A queue nothing subscribes to lets no service principal in.
    expect(JSON.stringify(plain.findResources('AWS::SQS::QueuePolicy'))).not.toContain('sns.amazonaws.com');
  });

  it('can take messages from encrypted topics: the environment key lets SNS use it, for topics of its account and region only', () => {
    estate.template('test-production-foundation').hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:sns:eu-west-2:333333333333:*' } },
          }),
        ]),
      },
    });
  });

  it('is deployed after the stack of the service it subscribes to', () => {
    expect(estate.stack('test-production-notify').dependencies.map((s) => s.stackName)).toContain('test-production-visits');
  });

  it('stays small: no Lambda and no custom resource', () => {
    const resources = Object.values(notify.toJSON().Resources) as Array<{ Type: string }>;
    // Grown by 4 for the log pipeline and anomaly detection (observability/) and 6 for the responder (operations/).
    expect(resources.length).toBeLessThanOrEqual(30);
    expect(resources.filter((r) => r.Type === 'AWS::Lambda::Function' || r.Type.startsWith('Custom::'))).toEqual([]);
  });
});

describe('a worker subscribed to a topic of its own', () => {
  it('subscribes to the topic it creates, so CloudFormation creates the topic first', () => {
    const estate = compile({
      'estate.yaml': MINIMAL_ESTATE,
      'services/retrier.yaml': worker('retrier', 'publish: [retry]\nsubscribe:\n  - service: retrier\n    topic: retry\n'),
    });
    const t = estate.template('test-staging-retrier');
    t.hasResourceProperties('AWS::SNS::Subscription', { TopicArn: { Ref: Match.stringLikeRegexp('^Topicsretry') } });
    // `subscribe` alone gives the worker its queue.
    t.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'test-staging-retrier' });
  });
});

describe('worker manifests cityplan refuses', () => {
  const problems = (files: Record<string, string>): readonly Problem[] => {
    try {
      loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, ...files }));
    } catch (e) {
      if (e instanceof EstateError) return e.problems;
      throw e;
    }
    return [];
  };

  it('a variable cityplan sets itself, in env or secrets', () => {
    const found = problems({
      'services/visits.yaml': webService('visits', 'publish: [visit-booked]\nsecrets: [TOPIC_VISIT_BOOKED_ARN]\n'),
      'services/notify.yaml': worker('notify', 'queue: {}\nenv:\n  QUEUE_URL: https://example\n'),
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'services/visits.yaml', field: 'secrets', message: expect.stringContaining('TOPIC_VISIT_BOOKED_ARN is set by cityplan to the ARN of topic visit-booked') }),
        expect.objectContaining({ file: 'services/notify.yaml', field: 'env.QUEUE_URL', message: expect.stringContaining("QUEUE_URL is set by cityplan to the URL of the worker's queue") }),
      ]),
    );
  });

  it('two subscriptions to one topic', () => {
    const found = problems({
      'services/visits.yaml': webService('visits', 'publish: [visit-booked]\n'),
      'services/notify.yaml': worker('notify', 'subscribe:\n  - service: visits\n    topic: visit-booked\n  - service: visits\n    topic: visit-booked\n    filter:\n      a: [b]\n'),
    });
    expect(found).toEqual([expect.objectContaining({ field: 'subscribe', message: expect.stringContaining('subscribes twice to topic visit-booked of visits') })]);
  });
});
