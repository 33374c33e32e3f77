import { CfnOutput, Fn, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { availabilityZones, parameter, resourceName } from '../naming/names';
import { AccessLogBucket } from './access-log-bucket';
import { EnvironmentBackup } from './environment-backup';
import type { EnvironmentStackProps } from './props';
import { logRetention } from './retention';
import { IngressFirewall } from './ingress-firewall';
import { EgressEndpoints, TASK_SUBNETS, taskSubnetType } from './egress';
import { natGateways } from './egress-plan';
import { EnvironmentObservability } from '../observability/environment-observability';
import { environmentPolicy } from '../policy/config';
import { Responder } from '../operations/responder';
import type { EstateRunbook } from '../manifest/estate-runbooks';

export interface FoundationStackProps extends EnvironmentStackProps {
  /** Who is told when an alarm fires. */
  readonly alertEmails: readonly string[];
  /** Also deliver logs to OpenSearch Serverless (estate `logs.opensearch`). @default false */
  readonly openSearch?: boolean;
  /** The estate's own runbooks (runbooks/*.yaml), for the environment's responder. @default none */
  readonly runbooks?: readonly EstateRunbook[];
}

/**
 * What every service in one environment shares: network, service network (Cloud Map namespace),
 * cluster, key, DNS zone, access logs, alerts and the web firewall (the certificate has a stack of its own, see CertificateStack). Everything service stacks need is published as SSM
 * parameters (see naming.ts), never as CloudFormation exports, so the foundation can change
 * without thousands of importers holding it still.
 */
export class FoundationStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: FoundationStackProps) {
    super(scope, id, props);
    const { estate, environment: env } = props;
    const protect = env.protect;
    const publish = (name: string, value: string, description: string) =>
      new ssm.StringParameter(this, `Param${name.split('/').slice(4).join('-')}`, {
        parameterName: name,
        stringValue: value,
        description,
      });

    this.key = new kms.Key(this, 'Key', {
      alias: resourceName.keyAlias(estate, env.name),
      description: `cityplan ${estate}/${env.name}: logs, alerts and service data`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts every log group of the environment with this key.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:*` },
        },
      }),
    );
    // Alarms publish to the encrypted alerts topic.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    // SNS delivers service topics into workers' queues, which are encrypted with this key: it
    // encrypts each message for the queue on the topic's behalf (the SQS developer guide's key
    // policy for SNS). Only topics of this account and region. Publishers and consumers need
    // nothing here: their roles are granted the key through IAM, which the key policy allows.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { ArnLike: { 'aws:SourceArn': `arn:${this.partition}:sns:${this.region}:${this.account}:*` } },
      }),
    );

    // Tasks reach the APIs they call through NAT gateways (one per zone, or one shared) or, with
    // egress `endpoints`, through VPC endpoints only (src/platform/egress-plan.ts); the free S3
    // gateway endpoint keeps image layer pulls off NAT data charges in every mode.
    const cidr = '10.0.0.0/16';
    this.vpc = new ec2.Vpc(this, 'Network', {
      ipAddresses: ec2.IpAddresses.cidr(cidr),
      availabilityZones: availabilityZones(env.region, env.zones),
      natGateways: natGateways(env.egress, env.zones),
      subnetConfiguration: [
        { name: 'ingress', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: TASK_SUBNETS, subnetType: taskSubnetType(env.egress), cidrMask: 20 },
      ],
      // Route tables named in the order aws-cdk-lib's default gives with NAT gateways (private, then
      // public), so that the endpoint's RouteTableIds read the same whatever the egress mode.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetGroupName: TASK_SUBNETS }, { subnetGroupName: 'ingress' }] } },
      // The default security group is closed by AWS Config remediation (src/policy/config), not
      // by CDK's custom-resource Lambda, which cdk-nag cannot see into.
      restrictDefaultSecurityGroup: false,
    });
    Validations.of(this.vpc).acknowledge({
      id: 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed',
      reason: 'AWS Config rule vpc-default-security-group-closed with automatic remediation AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules closes the default security group of this VPC (src/policy/config); nothing uses it.',
    });
    for (const subnet of this.vpc.publicSubnets) {
      Validations.of(subnet).acknowledge({
        id: 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW',
        reason: 'Public subnets hold only the internet-facing load balancers and NAT gateways, which need the internet gateway; tasks run in private subnets without that route.',
      });
    }
    const egress = new EgressEndpoints(this, 'Egress', { vpc: this.vpc, cidr, egress: env.egress });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      logGroupName: resourceName.flowLogGroup(estate, env.name),
      encryptionKey: this.key,
      retention: logRetention(protect),
      removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const flowLog = this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    Validations.of(flowLog).acknowledge({
      id: 'NIST.800.53.R5-IAMNoInlinePolicy',
      reason: 'The flow log delivery role policy names only the flow log group; it belongs to that role alone and is never shared.',
    });

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      clusterName: resourceName.cluster(estate, env.name),
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    });

    // The service network: ECS Service Connect resolves `http://<service>:<port>` for the tasks of
    // services in this namespace. A private DNS namespace (not HTTP) so that services can later also
    // register DNS records for callers Service Connect does not serve (standalone tasks); its Route 53
    // private hosted zone is visible in this VPC only.
    const serviceNetwork = new servicediscovery.PrivateDnsNamespace(this, 'ServiceNetwork', {
      name: resourceName.serviceNamespace(estate, env.name),
      vpc: this.vpc,
      description: `cityplan ${estate}/${env.name}: services reach each other here through ECS Service Connect`,
    });

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', { region: env.region, protect }).bucket;

    const zone = env.zoneId
      ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', { hostedZoneId: env.zoneId, zoneName: env.domain })
      : new route53.PublicHostedZone(this, 'Zone', { zoneName: env.domain, comment: `cityplan ${estate}/${env.name}` });
    if (zone instanceof route53.PublicHostedZone && zone.hostedZoneNameServers) {
      new CfnOutput(this, 'NameServers', {
        description: `Delegate ${env.domain} to these name servers from its parent zone`,
        value: Fn.join(',', zone.hostedZoneNameServers),
      });
    }

    const alerts = new sns.Topic(this, 'Alerts', {
      displayName: `cityplan ${estate} ${env.name} alerts`,
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.alertEmails) alerts.addSubscription(new subscriptions.EmailSubscription(email));

    const firewall = new IngressFirewall(this, 'Firewall', {
      name: resourceName.webAcl(estate, env.name),
      logGroupName: resourceName.wafLogGroup(estate, env.name),
      key: this.key,
      protect,
    });

    // The log pipeline, Athena, the dashboard; publishes what service stacks subscribe with.
    const observability = new EnvironmentObservability(this, 'Observability', { estate, environment: env.name, protect, key: this.key, accessLogs, openSearch: props.openSearch ?? false });

    // AWS Config rules and remediations, the recorder when asked, GuardDuty when asked.
    environmentPolicy(this, { estate, environment: env, key: this.key, vpc: this.vpc, accessLogs, retentionDays: logRetention(protect) });
    // The environment's runbook responder: AWS events and the estate's alarms answered by runbooks.
    const responder = new Responder(this, 'Responder', { estate, environment: env, key: this.key, vpc: this.vpc, alerts, zoneId: zone.hostedZoneId, runbooks: props.runbooks });
    // With egress `endpoints` the responder reaches AWS only through them: create them first (in the
    // NAT modes aws-cdk-lib makes it wait for the NAT routes instead).
    responder.function.node.addDependency(egress);
    // The pipeline subscribes the responder's log group by name: CloudFormation must create it first.
    observability.responderSubscription.node.addDependency(responder.logGroup);

    // Retained data needs a way back: every database and bucket tagged by markForBackup.
    if (protect) new EnvironmentBackup(this, 'Backup', { vaultName: resourceName.backupVault(estate, env.name), planName: resourceName.backupPlan(estate, env.name), key: this.key });

    publish(parameter.vpcId(estate, env.name), this.vpc.vpcId, 'VPC of the environment');
    publish(parameter.vpcCidr(estate, env.name), this.vpc.vpcCidrBlock, 'Address range of the VPC: where load balancers may send traffic');
    this.vpc.selectSubnets({ subnetGroupName: TASK_SUBNETS }).subnets.forEach((s, i) => publish(parameter.privateSubnet(estate, env.name, i), s.subnetId, `Task subnet in zone ${i}`));
    this.vpc.publicSubnets.forEach((s, i) => publish(parameter.publicSubnet(estate, env.name, i), s.subnetId, `Load balancer subnet in zone ${i}`));
    publish(parameter.clusterName(estate, env.name), cluster.clusterName, 'ECS cluster');
    publish(parameter.serviceNamespaceArn(estate, env.name), serviceNetwork.namespaceArn, 'Cloud Map namespace of Service Connect');
    publish(parameter.keyArn(estate, env.name), this.key.keyArn, 'KMS key for logs and data');
    publish(parameter.alertsTopicArn(estate, env.name), alerts.topicArn, 'SNS topic for alarms');
    publish(parameter.zoneId(estate, env.name), zone.hostedZoneId, `Hosted zone of ${env.domain}`);
    publish(parameter.accessLogBucket(estate, env.name), accessLogs.bucketName, 'Bucket for load balancer access logs');
    publish(parameter.webAclArn(estate, env.name), firewall.webAclArn, 'WAF web ACL for every load balancer');
  }
}
