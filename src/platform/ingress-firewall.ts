import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { logRetention } from './retention';

export interface IngressFirewallProps {
  readonly name: string;
  /** Must start with aws-waf-logs-, as AWS WAF requires of its log destinations. */
  readonly logGroupName: string;
  readonly key: kms.IKey;
  readonly protect: boolean;
}

/** AWS managed rule groups, in the order they are evaluated. */
const MANAGED_RULE_GROUPS = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

/** One regional web ACL per environment, shared by every load balancer shard, with its logs. */
export class IngressFirewall extends Construct {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: IngressFirewallProps) {
    super(scope, id);
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: props.name, sampledRequestsEnabled: true },
      rules: MANAGED_RULE_GROUPS.map((group, priority) => ({
        name: group,
        priority,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: group } },
        visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: group, sampledRequestsEnabled: true },
      })),
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      encryptionKey: props.key,
      retention: logRetention(props.protect),
      removalPolicy: props.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // WAF wants the log group ARN without the ':*' that CloudFormation's Arn attribute ends with.
    const destination = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: props.logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', { resourceArn: acl.attrArn, logDestinationConfigs: [destination] });
    logging.node.addDependency(logGroup);
    this.webAclArn = acl.attrArn;
  }
}
