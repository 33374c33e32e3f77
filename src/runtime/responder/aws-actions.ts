/** Carries out the runbooks' actions with the AWS SDK. Each is one API call. */
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Lazy } from './lazy';
import type { Action } from './context';

export interface ActionTargets {
  readonly ecs: Lazy<ECSClient>;
  readonly ec2: Lazy<EC2Client>;
  readonly s3: Lazy<S3Client>;
  readonly sns: Lazy<SNSClient>;
  readonly ssm: Lazy<SSMClient>;
  /** The environment's alerts topic. */
  readonly topicArn: string;
  /** The security group with no rules that isolates a compromised task. */
  readonly quarantineGroupId: string;
  /** `<estate>/<environment>`, shown on notifications and OpsItems. */
  readonly environment: string;
}

/** SNS subjects: at most 100 printable ASCII characters (SNS Publish). */
const subjectOf = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

/** The SDK packages, each loaded when an action first needs it (lazy.ts). */
const sdk = {
  ecs: () => import('@aws-sdk/client-ecs'),
  ec2: () => import('@aws-sdk/client-ec2'),
  s3: () => import('@aws-sdk/client-s3'),
  sns: () => import('@aws-sdk/client-sns'),
  ssm: () => import('@aws-sdk/client-ssm'),
};

export function awsActions(t: ActionTargets): (action: Action) => Promise<void> {
  return async (a) => {
    switch (a.do) {
      case 'rollback':
      case 'scale':
      case 'force-deployment': {
        const { UpdateServiceCommand } = await sdk.ecs();
        const change = a.do === 'rollback' ? { taskDefinition: a.taskDefinition } : a.do === 'scale' ? { desiredCount: a.desiredCount } : { forceNewDeployment: true };
        await (await t.ecs()).send(new UpdateServiceCommand({ cluster: a.cluster, service: a.service, ...change }));
        return;
      }
      case 'isolate-task': {
        const { ModifyNetworkInterfaceAttributeCommand } = await sdk.ec2();
        await (await t.ec2()).send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: a.networkInterface, Groups: [t.quarantineGroupId] }));
        return;
      }
      case 'stop-task': {
        const { StopTaskCommand } = await sdk.ecs();
        await (await t.ecs()).send(new StopTaskCommand({ cluster: a.cluster, task: a.task, reason: a.reason.slice(0, 255) }));
        return;
      }
      case 'block-public-access': {
        const { PutPublicAccessBlockCommand } = await sdk.s3();
        const block = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
        await (await t.s3()).send(new PutPublicAccessBlockCommand({ Bucket: a.bucket, PublicAccessBlockConfiguration: block }));
        return;
      }
      case 'revoke-ingress': {
        const { RevokeSecurityGroupIngressCommand } = await sdk.ec2();
        const IpPermissions = a.rules.map((r) => ({
          IpProtocol: r.protocol,
          FromPort: r.fromPort,
          ToPort: r.toPort,
          ...(r.cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: r.cidr }] } : { IpRanges: [{ CidrIp: r.cidr }] }),
        }));
        await (await t.ec2()).send(new RevokeSecurityGroupIngressCommand({ GroupId: a.groupId, IpPermissions }));
        return;
      }
      case 'notify': {
        const { PublishCommand } = await sdk.sns();
        await (await t.sns()).send(
          new PublishCommand({
            TopicArn: t.topicArn,
            Subject: subjectOf(`[${t.environment}] ${a.subject}`),
            Message: `${a.subject}\n\n${a.message}${a.owner ? `\n\nowner: ${a.owner}` : ''}`,
            // Subscriptions may filter on the owner (SNS filter policy on message attributes).
            ...(a.owner ? { MessageAttributes: { owner: { DataType: 'String', StringValue: a.owner } } } : {}),
          }),
        );
        return;
      }
      case 'escalate': {
        const { CreateOpsItemCommand } = await sdk.ssm();
        await (await t.ssm()).send(
          new CreateOpsItemCommand({
            Title: a.title.slice(0, 1024),
            Description: a.description.slice(0, 2048) || a.title,
            Source: 'cityplan',
            Severity: '2',
            // OpsCenter keeps one open OpsItem per dedup string: a loop escalates once.
            OperationalData: { '/aws/dedup': { Type: 'SearchableString', Value: JSON.stringify({ dedupString: a.dedup }) } },
          }),
        );
        return;
      }
    }
  };
}
