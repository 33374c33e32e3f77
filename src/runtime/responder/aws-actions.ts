/** Carries out the runbooks' actions with the AWS SDK. Each is one API call. */
import { ModifyNetworkInterfaceAttributeCommand, RevokeSecurityGroupIngressCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { StopTaskCommand, UpdateServiceCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { PutPublicAccessBlockCommand, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { CreateOpsItemCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { Action } from './context';

export interface ActionTargets {
  readonly ecs: ECSClient;
  readonly ec2: EC2Client;
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly ssm: SSMClient;
  /** The environment's alerts topic. */
  readonly topicArn: string;
  /** The security group with no rules that isolates a compromised task. */
  readonly quarantineGroupId: string;
  /** `<estate>/<environment>`, shown on notifications and OpsItems. */
  readonly environment: string;
}

/** SNS subjects: at most 100 printable ASCII characters (SNS Publish). */
const subjectOf = (s: string) => s.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);

export function awsActions(t: ActionTargets): (action: Action) => Promise<void> {
  return async (a) => {
    switch (a.do) {
      case 'rollback':
        await t.ecs.send(new UpdateServiceCommand({ cluster: a.cluster, service: a.service, taskDefinition: a.taskDefinition }));
        return;
      case 'scale':
        await t.ecs.send(new UpdateServiceCommand({ cluster: a.cluster, service: a.service, desiredCount: a.desiredCount }));
        return;
      case 'force-deployment':
        await t.ecs.send(new UpdateServiceCommand({ cluster: a.cluster, service: a.service, forceNewDeployment: true }));
        return;
      case 'isolate-task':
        await t.ec2.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: a.networkInterface, Groups: [t.quarantineGroupId] }));
        return;
      case 'stop-task':
        await t.ecs.send(new StopTaskCommand({ cluster: a.cluster, task: a.task, reason: a.reason.slice(0, 255) }));
        return;
      case 'block-public-access':
        await t.s3.send(
          new PutPublicAccessBlockCommand({
            Bucket: a.bucket,
            PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
          }),
        );
        return;
      case 'revoke-ingress':
        await t.ec2.send(
          new RevokeSecurityGroupIngressCommand({
            GroupId: a.groupId,
            IpPermissions: a.rules.map((r) => ({
              IpProtocol: r.protocol,
              FromPort: r.fromPort,
              ToPort: r.toPort,
              ...(r.cidr.includes(':') ? { Ipv6Ranges: [{ CidrIpv6: r.cidr }] } : { IpRanges: [{ CidrIp: r.cidr }] }),
            })),
          }),
        );
        return;
      case 'notify':
        await t.sns.send(
          new PublishCommand({
            TopicArn: t.topicArn,
            Subject: subjectOf(`[${t.environment}] ${a.subject}`),
            Message: `${a.subject}\n\n${a.message}${a.owner ? `\n\nowner: ${a.owner}` : ''}`,
            // Subscriptions may filter on the owner (SNS filter policy on message attributes).
            ...(a.owner ? { MessageAttributes: { owner: { DataType: 'String', StringValue: a.owner } } } : {}),
          }),
        );
        return;
      case 'escalate':
        await t.ssm.send(
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
  };
}
