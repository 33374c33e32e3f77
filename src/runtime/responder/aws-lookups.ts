/** The runbooks' lookups, answered by AWS (read-only calls), with service settings cached. */
import type { ACMClient } from '@aws-sdk/client-acm';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { EstateRunbook } from '../../manifest/estate-runbooks';
import type { Lazy } from './lazy';
import { parameter } from '../../naming/names';
import type { DeploymentFacts, Lookups, OpenIngress, ResponderContext, ServiceSettings } from './context';
import type { DynamoGuardStore } from './aws-store';

/** The clients, each created (and its package loaded) on first use. */
export interface Clients {
  readonly ecs: Lazy<ECSClient>;
  readonly ec2: Lazy<EC2Client>;
  readonly s3: Lazy<S3Client>;
  readonly acm: Lazy<ACMClient>;
  readonly route53: Lazy<Route53Client>;
  readonly ssm: Lazy<SSMClient>;
}

/** The SDK packages, each loaded when a lookup first needs it (lazy.ts). */
const sdk = {
  ssm: () => import('@aws-sdk/client-ssm'),
  ecs: () => import('@aws-sdk/client-ecs'),
  ec2: () => import('@aws-sdk/client-ec2'),
  s3: () => import('@aws-sdk/client-s3'),
  acm: () => import('@aws-sdk/client-acm'),
  route53: () => import('@aws-sdk/client-route-53'),
};

/** How long a service's settings are trusted before they are read again (ms). */
const SETTINGS_TTL = 5 * 60_000;
const STACK_TAG = 'aws:cloudformation:stack-name';
const WORLD = new Set(['0.0.0.0/0', '::/0']);

/** What the lookups keep across invocations of one execution environment. */
export interface LookupCache {
  readonly settings: Map<string, { at: number; value?: ServiceSettings }>;
  runbooks?: { at: number; value: readonly EstateRunbook[] };
}

export const newLookupCache = (): LookupCache => ({ settings: new Map() });

export function awsLookups(c: Clients, ctx: () => ResponderContext, store: DynamoGuardStore, zoneId: string | undefined, memo: LookupCache = newLookupCache()): Lookups {
  const cache = memo.settings;
  const { estate, environment } = ctx();
  const stackPrefix = `${estate}-${environment}-`;
  const cluster = `${estate}-${environment}`;
  return {
    async service(name) {
      const hit = cache.get(name);
      if (hit && Date.now() - hit.at < SETTINGS_TTL) return hit.value;
      let value: ServiceSettings | undefined;
      try {
        const out = await (await c.ssm()).send(new (await sdk.ssm()).GetParameterCommand({ Name: parameter.responderSettings(estate, environment, name) }));
        value = out.Parameter?.Value ? { ...(JSON.parse(out.Parameter.Value) as Omit<ServiceSettings, 'service'>), service: name } : undefined;
      } catch (e) {
        if ((e as { name?: string }).name !== 'ParameterNotFound') throw e;
      }
      cache.set(name, { at: Date.now(), value });
      return value;
    },
    async deployments(service): Promise<DeploymentFacts | undefined> {
      const out = await (await c.ecs()).send(new (await sdk.ecs()).DescribeServicesCommand({ cluster, services: [service] }));
      const svc = out.services?.[0];
      const primary = svc?.deployments?.find((d) => d.status === 'PRIMARY');
      if (!svc || !primary?.taskDefinition) return undefined;
      const active = svc.deployments?.find((d) => d.status === 'ACTIVE' && d.taskDefinition !== primary.taskDefinition);
      const revision = primary.taskDefinition.match(/^(.*):(\d+)$/);
      const before = revision && Number(revision[2]) > 1 ? `${revision[1]}:${Number(revision[2]) - 1}` : undefined;
      return {
        desiredCount: svc.desiredCount ?? 0,
        current: { taskDefinition: primary.taskDefinition, startedAt: primary.createdAt?.getTime() ?? Number.NaN },
        previousTaskDefinition: active?.taskDefinition ?? before,
      };
    },
    async estateRunbooks() {
      if (memo.runbooks && Date.now() - memo.runbooks.at < SETTINGS_TTL) return memo.runbooks.value;
      let value: readonly EstateRunbook[] = [];
      try {
        const out = await (await c.ssm()).send(new (await sdk.ssm()).GetParameterCommand({ Name: parameter.estateRunbooks(estate, environment) }));
        value = out.Parameter?.Value ? (JSON.parse(out.Parameter.Value) as EstateRunbook[]) : [];
      } catch (e) {
        if ((e as { name?: string }).name !== 'ParameterNotFound') throw e;
      }
      memo.runbooks = { at: Date.now(), value };
      return value;
    },
    countStop: (service, minutes) => store.countStop(service, minutes, ctx().now),
    async taskInterface(taskArn) {
      const out = await (await c.ecs()).send(new (await sdk.ecs()).DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      const eni = out.tasks?.[0]?.attachments?.find((a) => a.type === 'ElasticNetworkInterface');
      return eni?.details?.find((d) => d.name === 'networkInterfaceId')?.value;
    },
    async inEstate(type, id) {
      const ours = (tags: ReadonlyArray<{ Key?: string; Value?: string }> | undefined) => tags?.some((t) => t.Key === STACK_TAG && t.Value?.startsWith(stackPrefix)) ?? false;
      try {
        if (type === 'AWS::S3::Bucket') return ours((await (await c.s3()).send(new (await sdk.s3()).GetBucketTaggingCommand({ Bucket: id }))).TagSet);
        if (type === 'AWS::EC2::SecurityGroup') return ours((await (await c.ec2()).send(new (await sdk.ec2()).DescribeSecurityGroupsCommand({ GroupIds: [id] }))).SecurityGroups?.[0]?.Tags);
        if (type === 'AWS::CertificateManager::Certificate') return ours((await (await c.acm()).send(new (await sdk.acm()).ListTagsForCertificateCommand({ CertificateArn: id }))).Tags);
      } catch {
        // Not readable (gone, no tags, not ours to read): not the estate's to change.
        return false;
      }
      return false;
    },
    async openIngress(groupId) {
      const group = (await (await c.ec2()).send(new (await sdk.ec2()).DescribeSecurityGroupsCommand({ GroupIds: [groupId] }))).SecurityGroups?.[0];
      const rules: OpenIngress[] = [];
      for (const p of group?.IpPermissions ?? []) {
        const cidrs = [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)].filter((x): x is string => x !== undefined && WORLD.has(x));
        for (const cidr of cidrs) rules.push({ protocol: p.IpProtocol ?? '-1', fromPort: p.FromPort, toPort: p.ToPort, cidr });
      }
      // Load balancers live in the ingress shard stacks (stackName.ingress).
      const stack = group?.Tags?.find((t) => t.Key === STACK_TAG)?.Value ?? '';
      return { rules, loadBalancer: stack.startsWith(`${stackPrefix}ingress-`) };
    },
    async validationRecords(certificateArn) {
      const cert = (await (await c.acm()).send(new (await sdk.acm()).DescribeCertificateCommand({ CertificateArn: certificateArn }))).Certificate;
      const records = (cert?.DomainValidationOptions ?? []).filter((o) => o.ValidationMethod === 'DNS' && o.ResourceRecord?.Name).map((o) => o.ResourceRecord!);
      if (records.length === 0) return undefined;
      const unique = [...new Map(records.map((r) => [r.Name!, r])).values()];
      return Promise.all(
        unique.map(async (r) => {
          if (!zoneId) return { name: r.Name!, present: false };
          const out = await (await c.route53()).send(new (await sdk.route53()).ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: r.Name, StartRecordType: 'CNAME', MaxItems: 1 }));
          const found = out.ResourceRecordSets?.[0];
          return { name: r.Name!, present: found?.Name === r.Name && found?.Type === 'CNAME' };
        }),
      );
    },
  };
}
