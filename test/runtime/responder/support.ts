/** Mocked AWS clients, the example estate's settings and fixture events for the responder tests. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ACMClient, ListTagsForCertificateCommand } from '@aws-sdk/client-acm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateOpsItemCommand, GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { DescribeSecurityGroupsCommand, EC2Client, ModifyNetworkInterfaceAttributeCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTasksCommand, ECSClient, StopTaskCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { Route53Client } from '@aws-sdk/client-route-53';
import { GetBucketTaggingCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { loadEstate } from '../../../src/manifest/load';
import { parameter } from '../../../src/naming/names';
import { responderSettings } from '../../../src/operations/responder-settings';
import { responderVariable as VARIABLES } from '../../../src/naming/names';
import { lookupCache } from '../../../src/runtime/responder/index';
import { FakeTable } from '../../support/dynamodb-fake';

export const FIXTURES = 'test/fixtures/events';
export const fixtureNames = () => readdirSync(FIXTURES).filter((f) => !f.endsWith('.md')).sort();
/** A fixture as the Lambda would receive it: parsed JSON, or the text of a file that is not JSON. */
export function fixture(name: string): unknown {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const ESTATE = 'justice';
export const ENV = 'staging';
export const CLUSTER = `${ESTATE}-${ENV}`;
export const spec = loadEstate('examples/justice');
const staging = spec.environments.find((e) => e.name === ENV)!;
export const services = new Map(spec.services.get(ENV)!.map((s) => [s.name, { ...responderSettings(s, staging.protect), service: s.name }]));

/**
 * A fixture rewritten to name the example estate's cluster and one of its services, as the
 * responder would see it in justice/staging: AWS's example names (cluster `default`,
 * `example-cluster`, service `servicetest`, `example-web`) replaced, nothing else changed.
 */
export function inEstate(name: string, service: string, edit: (e: any) => void = () => {}): any {
  const text = readFileSync(join(FIXTURES, name), 'utf8')
    .replaceAll('service/default/servicetest', `service/${CLUSTER}/${service}`)
    .replaceAll('cluster/default', `cluster/${CLUSTER}`)
    .replaceAll('example-cluster', CLUSTER)
    .replaceAll('service:example-web', `service:${service}`)
    .replaceAll('task-definition/example-web', `task-definition/${CLUSTER}-${service}`);
  const event = JSON.parse(text);
  edit(event);
  return event;
}

/** An alarm state change fixture renamed to one of the estate's alarms. */
export const alarmEvent = (alarmName: string, id = 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92') =>
  inEstate('cloudwatch-alarm-state-change.single-metric.json', '', (e) => {
    e.id = id;
    e.detail.alarmName = alarmName;
    e.resources = [`arn:aws:cloudwatch:eu-west-2:222222222222:alarm:${alarmName}`];
  });

export const mocks = {
  ecs: mockClient(ECSClient),
  ec2: mockClient(EC2Client),
  s3: mockClient(S3Client),
  acm: mockClient(ACMClient),
  route53: mockClient(Route53Client),
  ssm: mockClient(SSMClient),
  sns: mockClient(SNSClient),
  dynamodb: mockClient(DynamoDBClient),
};

/** Every call that changes something or tells someone: none of them may happen in dry run. */
export const ACTING = [
  [mocks.ecs, UpdateServiceCommand],
  [mocks.ecs, StopTaskCommand],
  [mocks.ec2, ModifyNetworkInterfaceAttributeCommand],
  [mocks.ec2, RevokeSecurityGroupIngressCommand],
  [mocks.s3, PutPublicAccessBlockCommand],
  [mocks.sns, PublishCommand],
  [mocks.ssm, CreateOpsItemCommand],
] as const;

export const actingCalls = () => ACTING.flatMap(([m, c]) => (m as any).commandCalls(c).map((call: any) => ({ command: c.name, input: call.args[0].input })));

export const PREVIOUS = `arn:aws:ecs:eu-west-2:222222222222:task-definition/${CLUSTER}-book-a-prison-visit:6`;
export const CURRENT = `arn:aws:ecs:eu-west-2:222222222222:task-definition/${CLUSTER}-book-a-prison-visit:7`;

/** Resets every mock to the example estate in justice/staging, with a fresh table. */
export function resetAws(options: { dryRun?: boolean; deployedMinutesAgo?: number; desiredCount?: number; runbooks?: unknown[] } = {}): FakeTable {
  for (const m of Object.values(mocks)) m.reset();
  lookupCache.settings.clear();
  lookupCache.runbooks = undefined;
  Object.assign(process.env, {
    [VARIABLES.estate]: ESTATE,
    [VARIABLES.environment]: ENV,
    [VARIABLES.dryRun]: String(options.dryRun ?? false),
    [VARIABLES.maxActionsPerHour]: '6',
    [VARIABLES.auditTable]: 'justice-staging-responder-audit',
    [VARIABLES.auditDays]: '90',
    [VARIABLES.topicArn]: 'arn:aws:sns:eu-west-2:222222222222:alerts',
    [VARIABLES.zoneId]: 'Z0123456789ABCDEFGHIJ',
    [VARIABLES.quarantineGroupId]: 'sg-0quarantine',
  });
  const table = new FakeTable();
  table.install(mocks.dynamodb);
  mocks.ssm.on(GetParameterCommand).callsFake(({ Name }: { Name: string }) => {
    if (options.runbooks && Name === parameter.estateRunbooks(ESTATE, ENV)) return { Parameter: { Name, Value: JSON.stringify(options.runbooks) } };
    const svc = [...services.values()].find((s) => parameter.responderSettings(ESTATE, ENV, s.service) === Name);
    if (!svc) throw new ParameterNotFound({ message: `${Name} not found`, $metadata: {} });
    const { service: _service, ...value } = svc;
    return { Parameter: { Name, Value: JSON.stringify(value) } };
  });
  mocks.ecs.on(DescribeServicesCommand).resolves({
    services: [
      {
        desiredCount: options.desiredCount ?? 2,
        deployments: [{ status: 'PRIMARY', taskDefinition: CURRENT, createdAt: new Date(Date.now() - (options.deployedMinutesAgo ?? 10) * 60_000) }],
      },
    ],
  });
  mocks.ecs.on(DescribeTasksCommand).resolves({
    tasks: [{ attachments: [{ type: 'ElasticNetworkInterface', details: [{ name: 'networkInterfaceId', value: 'eni-0compromised' }] }] }],
  });
  mocks.acm.on(ListTagsForCertificateCommand).resolves({ Tags: [] });
  mocks.s3.on(GetBucketTaggingCommand).resolves({ TagSet: [] });
  mocks.ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
  return table;
}
