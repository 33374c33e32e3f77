import { Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { parameter, type ShardOutput } from '../naming/names';
import { ACCESS_LOG_PREFIX } from './access-log-bucket';
import type { EnvironmentStackProps } from './props';
import { importVpc, published } from './imports';

export interface IngressShardStackProps extends EnvironmentStackProps {
  /** Shard number within the environment, from the lock. */
  readonly shard: number;
  /**
   * The shard is leaving a protected environment: its load balancer loses deletion protection
   * (and the stack its termination protection) so that the next plan can remove it.
   * @default false
   */
  readonly retiring?: boolean;
}

/**
 * One internet-facing Application Load Balancer shared by up to 95 web services. It answers 404
 * to any host it does not know; each service stack adds its own host rule and target group.
 */
export class IngressShardStack extends Stack {
  constructor(scope: Construct, id: string, props: IngressShardStackProps) {
    super(scope, id, { ...props, terminationProtection: props.terminationProtection && !props.retiring });
    const { estate, environment: env, shard } = props;
    const protect = env.protect && !props.retiring;
    const vpc = importVpc(this, estate, env, 'public');

    const securityGroup = new ec2.SecurityGroup(this, 'LoadBalancerSecurityGroup', {
      vpc,
      // The description is unchanged since shards had open egress: changing it replaces the group.
      description: `cityplan ${estate}/${env.name} ingress shard ${shard}: HTTPS and HTTP (redirected) from the internet`,
      allowAllOutbound: false,
    });
    // The load balancer only forwards to (and health-checks) tasks in the environment's VPC, on
    // whatever port each service listens on (1–65535, per manifest). One rule to the VPC's range
    // keeps within the 60 outbound rules a group has by default (Amazon VPC quotas), where a rule
    // per service (up to 95 per shard, each its own port) would not; each task group still admits
    // only this group on its own port. No listener action reaches outside the VPC (no OIDC or
    // Cognito authentication, which would need egress to the identity provider).
    securityGroup.addEgressRule(
      ec2.Peer.ipv4(published(this, parameter.vpcCidr(estate, env.name))),
      ec2.Port.allTcp(),
      'Forward to and health-check tasks inside the VPC only',
    );
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet, redirected to HTTPS');
    Validations.of(securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'A public service load balancer must accept HTTPS (and HTTP, only to redirect) from anyone; AWS WAF filters requests.',
    });

    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      vpcSubnets: { subnets: vpc.publicSubnets },
      internetFacing: true,
      securityGroup,
      deletionProtection: protect,
      dropInvalidHeaderFields: true,
    });
    loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    loadBalancer.setAttribute('access_logs.s3.bucket', published(this, parameter.accessLogBucket(estate, env.name)));
    loadBalancer.setAttribute('access_logs.s3.prefix', `${ACCESS_LOG_PREFIX}/${shard}`);
    if (!protect) {
      Validations.of(loadBalancer).acknowledge({
        id: 'NIST.800.53.R5-ELBDeletionProtectionEnabled',
        reason: props.retiring
          ? `Shard ${shard} no longer carries any service of ${env.name}: protection is lifted so that the next deploy can remove it.`
          : `Environment ${env.name} is not protected (protect: false), so its load balancers may be torn down with it.`,
      });
    }

    const https = loadBalancer.addListener('Https', {
      port: 443,
      protocol: elbv2.ApplicationProtocol.HTTPS,
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      certificates: [elbv2.ListenerCertificate.fromArn(published(this, parameter.certificateArn(estate, env.name)))],
      defaultAction: elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' }),
      open: false,
    });
    const redirect = loadBalancer.addRedirect({ sourcePort: 80, targetPort: 443, open: false });
    Validations.of(redirect).acknowledge({
      id: 'NIST.800.53.R5-ELBv2ACMCertificateRequired',
      reason: 'The port 80 listener only redirects to HTTPS; it serves no content, so it carries no certificate.',
    });

    new wafv2.CfnWebACLAssociation(this, 'Firewall', {
      resourceArn: loadBalancer.loadBalancerArn,
      webAclArn: published(this, parameter.webAclArn(estate, env.name)),
    });

    const outputs: Record<ShardOutput, string> = {
      'listener-arn': https.listenerArn,
      'security-group-id': securityGroup.securityGroupId,
      'dns-name': loadBalancer.loadBalancerDnsName,
      'canonical-zone-id': loadBalancer.loadBalancerCanonicalHostedZoneId,
      'full-name': loadBalancer.loadBalancerFullName,
    };
    for (const [key, value] of Object.entries(outputs) as Array<[ShardOutput, string]>) {
      new ssm.StringParameter(this, `Param-${key}`, {
        parameterName: parameter.shard(estate, env.name, shard, key),
        stringValue: value,
        description: `Ingress shard ${shard}: ${key}`,
      });
    }
  }
}
