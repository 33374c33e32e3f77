/**
 * Claims: what a resource holds that AWS lets only one resource hold at a time, in one account
 * and region. A listener-rule priority on a listener, a DNS record's name and type in a zone, the
 * name of a log group, an alarm, an SSM parameter. Two stacks that claim the same thing cannot
 * both be deployed; a stack that takes a claim another stack gives up must be deployed after it.
 *
 * Claims are read from synthesized templates, so every resource any part of cityplan creates is
 * covered by the one table below; a test fails when a template holds a resource type the table
 * does not classify.
 *
 * A claim is a string: the CloudFormation type, then what is unique, such as
 *   `AWS::Route53::RecordSet {dns/zone-id} visits.staging.example.gov.uk. A`
 *   `AWS::ElasticLoadBalancingV2::ListenerRule {ingress/0/listener-arn} 3`
 * where `{…}` is an SSM parameter the stack reads (the zone or listener published by another
 * stack), named relative to the environment's root (`/cityplan/<estate>/<env>/`).
 */
import { environmentRoot, parameter } from '../naming/names';

/** A synthesized CloudFormation template, as far as claims need it. */
export interface Template {
  readonly Parameters?: Readonly<Record<string, { readonly Type?: string; readonly Default?: unknown }>>;
  readonly Resources?: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly DeletionPolicy?: string }>
  >;
}

export interface TemplateClaims {
  /** Claims another stack could collide with. */
  readonly claims: string[];
  /** Claims whose resource is retained (DeletionPolicy Retain): they outlive the resource's removal. */
  readonly retains: string[];
  /** Claims made twice in the one template: CloudFormation would refuse it. */
  readonly duplicates: string[];
}

/** Whether a claim is about a resource of its own stack (`{stack:LogicalId}`): no other stack can hold it. */
export const isLocalClaim = (claim: string): boolean => /\{[^}]*:[^}]*\}/.test(claim);

export type Resolve = (value: unknown) => string | undefined;
type Extract = (props: Record<string, unknown>, resolve: Resolve) => Array<string | undefined>;

const named =
  (...keys: string[]): Extract =>
  (p, r) => {
    const parts = keys.map((k) => r(p[k]));
    return parts.every((x) => x !== undefined) ? [parts.join(' ')] : [];
  };
const optionallyNamed =
  (key: string, ...scope: string[]): Extract =>
  (p, r) =>
    p[key] === undefined ? [] : named(...scope, key)(p, r);

/**
 * Each resource type cityplan creates, and what it claims. `null`: it claims nothing unique by
 * name (its identity is AWS-generated, or several may share a value, as task definition families,
 * hosted zones and listener certificates do). Scope is the account and region throughout; the few
 * global names (S3 buckets, IAM roles) are treated the same, which is stricter, not looser.
 */
export const CLAIMS: Readonly<Record<string, Extract | null>> = {
  'AWS::ApplicationAutoScaling::ScalableTarget': null,
  // A named query is identified by a generated id; several may share a name (CreateNamedQuery).
  'AWS::Athena::NamedQuery': null,
  // Workgroup names are unique per account and region (CreateWorkGroup: InvalidRequestException when it exists).
  'AWS::Athena::WorkGroup': named('Name'),
  'AWS::ApplicationAutoScaling::ScalingPolicy': null,
  // A plan is identified by a generated id; whether AWS Backup refuses a second plan of one name
  // was not verified, so its name is claimed, which is stricter.
  'AWS::Backup::BackupPlan': (p, r) => [r((p.BackupPlan as { BackupPlanName?: unknown } | undefined)?.BackupPlanName)],
  // A selection's name is unique within its plan, the stack's own.
  'AWS::Backup::BackupSelection': null,
  // Vault names are unique per account and region (CreateBackupVault: AlreadyExistsException).
  'AWS::Backup::BackupVault': named('BackupVaultName'),
  'AWS::CertificateManager::Certificate': null,
  'AWS::CloudFormation::WaitConditionHandle': null,
  'AWS::CloudWatch::Alarm': optionallyNamed('AlarmName'),
  // Dashboard names are unique per account (PutDashboard of an existing name replaces its body).
  'AWS::CloudWatch::Dashboard': optionallyNamed('DashboardName'),
  // Project names are unique per account and region (CodeBuild CreateProject: ResourceAlreadyExistsException).
  'AWS::CodeBuild::Project': optionallyNamed('Name'),
  // Pipeline names are unique per account and region (CodePipeline CreatePipeline: PipelineNameInUseException).
  'AWS::CodePipeline::Pipeline': optionallyNamed('Name'),
  // Config rule names are unique per account and region (PutConfigRule of an existing name updates
  // that rule); cityplan's carry estate and environment (resourceName.configRule).
  'AWS::Config::ConfigRule': optionallyNamed('ConfigRuleName'),
  // At most one remediation per Config rule (PutRemediationConfigurations replaces the rule's).
  'AWS::Config::RemediationConfiguration': named('ConfigRuleName'),
  // One recorder and one delivery channel per account and region (AWS Config:
  // MaxNumberOfConfigurationRecordersExceededException, MaxNumberOfDeliveryChannelsExceededException),
  // whatever their names: every one claims the same thing, so two environments of one account and
  // region cannot both hold one, and a move between them is ordered (give up first).
  'AWS::Config::ConfigurationRecorder': () => ['configuration-recorder'],
  'AWS::Config::DeliveryChannel': () => ['delivery-channel'],
  // Table names are unique per account and region (DynamoDB CreateTable); the responder's audit
  // table is left unnamed (src/operations/responder.ts), so it claims nothing.
  'AWS::DynamoDB::Table': optionallyNamed('TableName'),
  'AWS::EC2::EIP': null,
  'AWS::EC2::FlowLog': null,
  'AWS::EC2::InternetGateway': null,
  'AWS::EC2::NatGateway': null,
  'AWS::EC2::Route': null,
  'AWS::EC2::RouteTable': null,
  'AWS::EC2::SecurityGroup': optionallyNamed('GroupName', 'VpcId'),
  // Two rules alike in group, source, protocol and ports cannot both exist (EC2 refuses a duplicate
  // permission). See ingressRule for why a rule from the stack's own group is kept in the lock.
  'AWS::EC2::SecurityGroupIngress': (p, r) => [ingressRule(p, r)],
  'AWS::EC2::Subnet': null,
  'AWS::EC2::SubnetRouteTableAssociation': null,
  'AWS::EC2::VPC': null,
  // An endpoint has no name. What is unique is per VPC: one interface endpoint with private DNS per
  // endpoint service (the second's private hosted zone would conflict with the first's, AWS
  // PrivateLink "Private DNS"), one gateway endpoint per service and route table. cityplan's live
  // in the foundation's own VPC, created in the same stack, which no other stack places endpoints
  // in; GuardDuty's guardduty-data endpoint is the one it leaves to AWS (src/platform/egress-plan.ts).
  'AWS::EC2::VPCEndpoint': null,
  'AWS::EC2::VPCGatewayAttachment': null,
  // Repository names are unique per registry, which is the account and region (ECR CreateRepository:
  // RepositoryAlreadyExistsException). Retained: the claim outlives a removed service's pipeline.
  'AWS::ECR::Repository': optionallyNamed('RepositoryName'),
  'AWS::ECS::Cluster': optionallyNamed('ClusterName'),
  'AWS::ECS::ClusterCapacityProviderAssociations': named('Cluster'),
  // A service's name is unique in its cluster; its Service Connect discovery names and client
  // aliases (name and port) in their Cloud Map namespace (ECS ServiceConnectService, ServiceConnectClientAlias).
  'AWS::ECS::Service': (p, r) => [...optionallyNamed('ServiceName', 'Cluster')(p, r), ...serviceConnectNames(p, r)],
  'AWS::ECS::TaskDefinition': null,
  // A serverless cache's name is its identifier, unique per account and region (CreateServerlessCache).
  // Glue database names are unique per catalog, the account's in its region (CreateDatabase:
  // AlreadyExistsException); a table's name is unique within its database.
  'AWS::Glue::Database': (p, r) => [r((p.DatabaseInput as { Name?: unknown } | undefined)?.Name)],
  'AWS::Glue::Table': (p, r) => {
    const database = r(p.DatabaseName);
    const table = r((p.TableInput as { Name?: unknown } | undefined)?.Name);
    return database !== undefined && table !== undefined ? [`${database}.${table}`] : [];
  },
  'AWS::ElastiCache::ServerlessCache': optionallyNamed('ServerlessCacheName'),
  'AWS::ElasticLoadBalancingV2::Listener': named('LoadBalancerArn', 'Port'),
  'AWS::ElasticLoadBalancingV2::ListenerCertificate': null,
  'AWS::ElasticLoadBalancingV2::ListenerRule': named('ListenerArn', 'Priority'),
  'AWS::ElasticLoadBalancingV2::LoadBalancer': optionallyNamed('Name'),
  'AWS::ElasticLoadBalancingV2::TargetGroup': optionallyNamed('Name'),
  // A rule's name is unique on its event bus (PutRule of an existing name updates that rule).
  'AWS::Events::Rule': (p, r) => (p.Name === undefined ? [] : [`${p.EventBusName === undefined ? 'default' : r(p.EventBusName)}/${r(p.Name)}`]),
  // One detector per account and region (GuardDuty CreateDetector); the same claim for every one.
  'AWS::GuardDuty::Detector': () => ['detector'],
  'AWS::IAM::ManagedPolicy': optionallyNamed('ManagedPolicyName'),
  'AWS::IAM::Policy': null,
  'AWS::IAM::Role': optionallyNamed('RoleName'),
  'AWS::KMS::Alias': named('AliasName'),
  // Firehose stream names are unique per account and region (CreateDeliveryStream: ResourceInUseException).
  'AWS::KinesisFirehose::DeliveryStream': optionallyNamed('DeliveryStreamName'),
  'AWS::KMS::Key': null,
  'AWS::Lambda::Function': optionallyNamed('FunctionName'),
  // A permission's statement id is generated per function (Lambda AddPermission): nothing to share.
  'AWS::Lambda::Permission': null,
  'AWS::Logs::LogGroup': optionallyNamed('LogGroupName'),
  // A detector's identity is a generated ARN; its name is not unique (CreateLogAnomalyDetector). The
  // name is claimed nonetheless, as alarms on its AnomalyCount find it by name (dimension LogAnomalyDetector).
  'AWS::Logs::LogAnomalyDetector': optionallyNamed('DetectorName'),
  // A metric filter's name is unique within its log group (PutMetricFilter replaces one of the same name).
  // A stream's name is unique within its log group (CreateLogStream).
  'AWS::Logs::LogStream': optionallyNamed('LogStreamName', 'LogGroupName'),
  'AWS::Logs::MetricFilter': optionallyNamed('FilterName', 'LogGroupName'),
  // A log group has at most 2 subscription filters, each name unique in it (PutSubscriptionFilter):
  // the log group is claimed for the pipeline's filter, so that no second stack subscribes it.
  'AWS::Logs::SubscriptionFilter': (p, r) => [`${r(p.LogGroupName) ?? ''} ${r(p.DestinationArn) ?? ''}`.trim() || undefined],
  // A database is left unnamed (service-postgres.ts: a replacement would collide with its own
  // name), as are its subnet and parameter groups; RDS identifiers are unique per account and
  // region (RDS CreateDBInstance, CreateDBCluster, CreateDBSubnetGroup, CreateDBParameterGroup).
  // OpenSearch Serverless (logs.opensearch): collection names are unique per account and region
  // (CreateCollection: ConflictException), as are policy names per policy type
  // (CreateSecurityPolicy, CreateAccessPolicy).
  'AWS::OpenSearchServerless::AccessPolicy': named('Type', 'Name'),
  'AWS::OpenSearchServerless::Collection': named('Name'),
  'AWS::OpenSearchServerless::SecurityPolicy': named('Type', 'Name'),
  // OpenSearch Ingestion pipeline names are unique per account and region (CreatePipeline).
  'AWS::OSIS::Pipeline': named('PipelineName'),
  'AWS::RDS::DBCluster': optionallyNamed('DBClusterIdentifier'),
  'AWS::RDS::DBClusterParameterGroup': optionallyNamed('DBClusterParameterGroupName'),
  'AWS::RDS::DBInstance': optionallyNamed('DBInstanceIdentifier'),
  'AWS::RDS::DBParameterGroup': optionallyNamed('DBParameterGroupName'),
  'AWS::RDS::DBSubnetGroup': optionallyNamed('DBSubnetGroupName'),
  'AWS::Route53::HostedZone': null,
  'AWS::Route53::RecordSet': (p, r) => named('HostedZoneId', 'Name', 'Type')(p, r).map((c) => (p.SetIdentifier ? `${c} ${r(p.SetIdentifier)}` : c)),
  'AWS::S3::Bucket': optionallyNamed('BucketName'),
  'AWS::S3::BucketPolicy': named('Bucket'),
  // SNS keeps one subscription per topic, protocol and endpoint; a worker's endpoint is its own
  // queue, and rules.ts refuses a worker subscribing twice to one topic.
  // A schedule's name is unique within its schedule group (its ARN is schedule/<group>/<name>);
  // without GroupName it is in the account's `default` group.
  'AWS::Scheduler::Schedule': (p, r) => {
    const group = p.GroupName === undefined ? 'default' : r(p.GroupName);
    const name = p.Name === undefined ? undefined : r(p.Name);
    return group !== undefined && name !== undefined ? [`${group}/${name}`] : [];
  },
  // A secret's name is unique per account and region (Secrets Manager CreateSecret: ResourceExistsException),
  // also while a deleted one waits out its recovery window.
  'AWS::SecretsManager::Secret': optionallyNamed('Name'),
  'AWS::SNS::Subscription': null,
  // Topic names are unique per account and region: CreateTopic of a name that exists returns that
  // topic, so two stacks would share one, and the first to delete it would delete it for both.
  'AWS::SNS::Topic': optionallyNamed('TopicName'),
  'AWS::SNS::TopicPolicy': null,
  // Queue names are unique per account and region (SQS CreateQueue).
  'AWS::SQS::Queue': optionallyNamed('QueueName'),
  // A queue has one policy: a second QueuePolicy on it would replace the first. Claimed per queue
  // (its URL), which is the stack's own queue, so such a claim only ever finds duplicates.
  'AWS::SQS::QueuePolicy': (p, r) => ((p.Queues as unknown[] | undefined) ?? []).map(r),
  // A private DNS namespace brings a Route 53 private hosted zone of its name, and two zones of one
  // name cannot be associated with one VPC (Route 53 ConflictingDomainExists). Claimed in the whole
  // account and region, which is stricter: whether Cloud Map also keeps namespace names unique per
  // account (as HTTP namespaces are looked up by name) was not verified.
  'AWS::ServiceDiscovery::PrivateDnsNamespace': named('Name'),
  'AWS::SSM::Parameter': optionallyNamed('Name'),
  // A state machine's ARN is its account, region and name.
  'AWS::StepFunctions::StateMachine': optionallyNamed('StateMachineName'),
  'AWS::WAFv2::LoggingConfiguration': named('ResourceArn'),
  'AWS::WAFv2::WebACL': optionallyNamed('Name', 'Scope'),
  'AWS::WAFv2::WebACLAssociation': named('ResourceArn'),
  'Custom::VpcRestrictDefaultSG': null,
};

/**
 * An inbound rule: `<group> <protocol> <from>-<to> from <source>`.
 *
 * A rule on another stack's group (a callee's, read from SSM) from this stack's own group (its
 * tasks) can be held by no other stack, as its source is this stack's own; it is nonetheless kept
 * in the lock, not treated as local, because it records that this stack uses the group the other
 * stack publishes: that stack is then not removed before this one stops using it (transition.ts).
 * So the source, when it is the stack's own resource, is written without braces. A rule on the
 * stack's own group stays local, as a claim on any of the stack's own resources does.
 */
function ingressRule(p: Record<string, unknown>, r: Resolve): string | undefined {
  const group = r(p.GroupId);
  const raw = [p.SourceSecurityGroupId, p.CidrIp, p.CidrIpv6, p.SourcePrefixListId].find((x) => x !== undefined);
  const source = r(raw);
  const protocol = r(p.IpProtocol);
  if (group === undefined || source === undefined || protocol === undefined) return undefined;
  const from = isLocalClaim(group) ? source : source.replace(/^\{([^}]*:[^}]*)\}$/, '$1');
  return `${group} ${protocol} ${r(p.FromPort) ?? '*'}-${r(p.ToPort) ?? '*'} from ${from}`;
}

/** The Service Connect names an ECS service takes in its namespace: `<namespace> discovery <name>`, `<namespace> alias <name>:<port>`. */
function serviceConnectNames(p: Record<string, unknown>, r: Resolve): Array<string | undefined> {
  const config = p.ServiceConnectConfiguration as
    | { Namespace?: unknown; Services?: Array<{ DiscoveryName?: unknown; ClientAliases?: Array<{ DnsName?: unknown; Port?: unknown }> }> }
    | undefined;
  const namespace = r(config?.Namespace);
  if (!config || namespace === undefined) return [];
  return (config.Services ?? []).flatMap((s) => [
    s.DiscoveryName === undefined ? undefined : `${namespace} discovery ${r(s.DiscoveryName)}`,
    ...(s.ClientAliases ?? []).map((a) => (a.DnsName === undefined ? undefined : `${namespace} alias ${r(a.DnsName)}:${r(a.Port)}`)),
  ]);
}

/**
 * Resolves a template value to text where it can: literals, joins, references to SSM parameter
 * values (`{relative/name}`) and to the stack's own resources (`{stack:LogicalId}`, or what
 * `local` makes of the logical id; an attribute of one as `{stack:LogicalId.Attribute}`).
 * Undefined for anything only known at deploy time.
 *
 * @param root the environment's SSM root (`/cityplan/<estate>/<env>/`), so parameter references read short
 */
export function resolver(template: Template, stack: string, root: string, local = (id: string) => `${stack}:${id}`): Resolve {
  const ssm = new Map<string, string>();
  for (const [id, p] of Object.entries(template.Parameters ?? {})) {
    if (p.Type?.startsWith('AWS::SSM::Parameter::Value') && typeof p.Default === 'string') ssm.set(id, p.Default);
  }
  const resolve: Resolve = (value) => {
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    const ref = (value as { Ref?: unknown } | null)?.Ref;
    if (typeof ref === 'string') {
      const name = ssm.get(ref);
      if (name !== undefined) return `{${name.startsWith(root) ? name.slice(root.length) : name}}`;
      return ref.startsWith('AWS::') ? undefined : `{${local(ref)}}`;
    }
    const att = (value as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
    if (Array.isArray(att) && typeof att[0] === 'string' && typeof att[1] === 'string') return `{${local(att[0])}.${att[1]}}`;
    const join = (value as { 'Fn::Join'?: [string, unknown[]] } | null)?.['Fn::Join'];
    if (join) {
      const parts = join[1].map(resolve);
      return parts.every((x) => x !== undefined) ? parts.join(join[0]) : undefined;
    }
    return undefined;
  };
  return resolve;
}

/**
 * What one resource claims.
 * @throws Error naming the resource type when the table above does not classify it (a cityplan bug)
 */
export function resourceClaims(type: string, properties: Record<string, unknown> | undefined, resolve: Resolve): string[] {
  const extract = CLAIMS[type];
  if (extract === undefined) throw new Error(`claims.ts does not say what ${type} claims`);
  if (extract === null) return [];
  return extract(properties ?? {}, resolve)
    .filter((key): key is string => key !== undefined)
    .map((key) => `${type} ${key}`);
}

/** The claims of one synthesized stack (see resolver for `root`). */
export function templateClaims(template: Template, stack: string, root: string): TemplateClaims {
  const resolve = resolver(template, stack, root);
  const all: string[] = [];
  const retains: string[] = [];
  const duplicates: string[] = [];
  for (const resource of Object.values(template.Resources ?? {})) {
    for (const claim of resourceClaims(resource.Type, resource.Properties, resolve)) {
      if (all.includes(claim)) duplicates.push(claim);
      all.push(claim);
      if (isRetained(resource)) retains.push(claim);
    }
  }
  return { claims: all.filter((c) => !isLocalClaim(c)), retains: retains.filter((c) => !isLocalClaim(c)), duplicates };
}

/** Whether CloudFormation leaves the resource in place when the stack deletes it. */
export function isRetained(resource: { readonly DeletionPolicy?: string }): boolean {
  return resource.DeletionPolicy === 'Retain' || resource.DeletionPolicy === 'RetainExceptOnCreate';
}

/** The claim of a listener rule at `priority` on the HTTPS listener of `shard` (as templateClaims reads it). */
export function ruleClaim(estate: string, env: string, shard: number, priority: number): string {
  const listener = parameter.shard(estate, env, shard, 'listener-arn').slice(environmentRoot(estate, env).length);
  return `AWS::ElasticLoadBalancingV2::ListenerRule {${listener}} ${priority}`;
}

const RULE = /^AWS::ElasticLoadBalancingV2::ListenerRule \{(?:\/cityplan\/[^/]+\/[^/]+\/)?ingress\/(\d+)\/listener-arn\} (\d+)$/;

/** Shard and priority of a listener-rule claim on a shard's listener (named in full or not); undefined for any other claim. */
export function parseRuleClaim(claim: string): { shard: number; priority: number } | undefined {
  const m = RULE.exec(claim);
  return m ? { shard: Number(m[1]), priority: Number(m[2]) } : undefined;
}

/** The SSM parameters a claim refers to (`{…}`): relative to the environment as the lock keeps them, in full once qualified. */
export function referencedParameters(claim: string): string[] {
  return [...claim.matchAll(/\{([^}:]+)\}/g)].map((m) => m[1]!);
}

/**
 * A claim with the SSM parameters it refers to named in full: `{ingress/0/listener-arn}` is the
 * shard's listener of one environment; two environments sharing an account compare it in full.
 */
export function qualify(claim: string, root: string): string {
  return claim.replace(/\{([^}:]+)\}/g, (ref: string, name: string) => (name.startsWith('/') ? ref : `{${root}${name}}`));
}

/** The SSM parameter a claim creates, if it is a parameter's claim. */
export function createdParameter(claim: string): string | undefined {
  const prefix = 'AWS::SSM::Parameter ';
  return claim.startsWith(prefix) ? claim.slice(prefix.length) : undefined;
}

/** The kind of thing claimed and its name, for people: `log group /cityplan/…`, `DNS record visits.… A`. */
export function describeClaim(claim: string): string {
  const space = claim.indexOf(' ');
  const type = claim.slice(0, space);
  const key = claim.slice(space + 1);
  const rule = parseRuleClaim(claim);
  if (rule) return `listener rule priority ${rule.priority} on load balancer shard ${rule.shard}`;
  if (type === 'AWS::Route53::RecordSet') {
    const [, name, recordType] = key.split(' ');
    return `DNS ${recordType} record ${name!.replace(/\.$/, '')}`;
  }
  const what: Record<string, string> = {
    'AWS::Logs::LogGroup': 'log group',
    'AWS::CloudWatch::Alarm': 'alarm',
    'AWS::SSM::Parameter': 'SSM parameter',
    'AWS::ECS::Service': 'ECS service',
    'AWS::ECS::Cluster': 'ECS cluster',
    'AWS::KMS::Alias': 'KMS alias',
    'AWS::WAFv2::WebACL': 'web ACL',
    'AWS::SQS::Queue': 'SQS queue',
    'AWS::SNS::Topic': 'SNS topic',
    'AWS::StepFunctions::StateMachine': 'state machine',
    'AWS::Scheduler::Schedule': 'schedule',
    'AWS::EC2::SecurityGroupIngress': 'security group rule',
    'AWS::ServiceDiscovery::PrivateDnsNamespace': 'Cloud Map namespace',
    'AWS::ECR::Repository': 'image repository',
    'AWS::CodePipeline::Pipeline': 'pipeline',
    'AWS::CodeBuild::Project': 'build project',
  };
  // The scope (`{cluster/name} `) says where; people know the name by itself.
  return `${what[type] ?? type} ${key.replace(/^(\{[^}]*\} )+/, '')}`;
}
