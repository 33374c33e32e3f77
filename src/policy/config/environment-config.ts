import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { resourceName } from '../../naming/names';
import { acknowledge, wildcardResourceFinding } from '../acknowledge';
import { managedRules } from './managed-rules';
import { REMEDIATION_ATTEMPTS, REMEDIATION_RETRY_SECONDS, REMEDIATIONS } from './remediations';
import { kmsBucketProps } from '../../platform/kms-bucket';

/** Prefix of the Config delivery channel's objects in its bucket. */
export const CONFIG_DELIVERY_PREFIX = 'config';

export interface EnvironmentConfigProps {
  readonly estate: string;
  readonly environment: string;
  readonly protect: boolean;
  /** Log retention the environment sets, in days: what cw-loggroup-retention-period-check demands. */
  readonly retentionDays: number;
  /** The environment's key: the delivery channel's bucket is encrypted with it. */
  readonly key: kms.IKey;
  /** The environment's VPC: the default-security-group remediation may touch its groups only. */
  readonly vpc: ec2.IVpc;
  /** Where the delivery bucket's server access logs go (the environment's access-log bucket). */
  readonly accessLogs: s3.IBucket;
  /** Create the configuration recorder and delivery channel (estate `config.recorder`). */
  readonly recorder: boolean;
}

/**
 * AWS Config in one environment: the managed rules of managed-rules.ts, each named per environment
 * (resourceName.configRule), the automatic SSM remediations of remediations.ts with one assume role
 * of least privilege, and, when asked, the recorder and a delivery channel into a KMS-encrypted
 * bucket of its own.
 *
 * Config rules need a configuration recorder in the account and region (PutConfigRule fails with
 * NoAvailableConfigurationRecorderException otherwise): without `recorder`, the organisation's
 * (AWS Control Tower, say) must be there first.
 */
export class EnvironmentConfig extends Construct {
  /** The rules, by their conventional name (managed-rules.ts). */
  readonly rules = new Map<string, config.CfnConfigRule>();

  constructor(scope: Construct, id: string, props: EnvironmentConfigProps) {
    super(scope, id);
    const { estate, environment } = props;
    const recorder = props.recorder ? this.recorderAndChannel(props) : undefined;

    for (const rule of managedRules(props.retentionDays)) {
      if (rule.protectedOnly && !props.protect) continue;
      const cfn = new config.CfnConfigRule(this, `Rule-${rule.name}`, {
        configRuleName: resourceName.configRule(estate, environment, rule.name),
        source: { owner: 'AWS', sourceIdentifier: rule.identifier },
        ...(rule.parameters ? { inputParameters: rule.parameters } : {}),
        ...(rule.resourceTypes ? { scope: { complianceResourceTypes: [...rule.resourceTypes] } } : {}),
      });
      if (recorder) cfn.node.addDependency(recorder);
      this.rules.set(rule.name, cfn);
    }

    const role = this.remediationRole(props);
    for (const remediation of REMEDIATIONS) {
      const rule = this.rules.get(remediation.rule)!;
      const cfn = new config.CfnRemediationConfiguration(this, `Remediation-${remediation.rule}`, {
        configRuleName: rule.ref,
        targetType: 'SSM_DOCUMENT',
        targetId: remediation.document,
        automatic: true,
        maximumAutomaticAttempts: REMEDIATION_ATTEMPTS,
        retryAttemptSeconds: REMEDIATION_RETRY_SECONDS,
        parameters: {
          AutomationAssumeRole: { StaticValue: { Values: [role.roleArn] } },
          [remediation.resourceParameter]: { ResourceValue: { Value: 'RESOURCE_ID' } },
          ...Object.fromEntries(Object.entries(remediation.parameters ?? {}).map(([k, v]) => [k, { StaticValue: { Values: [v] } }])),
        },
      });
      cfn.node.addDependency(role);
    }
  }

  /**
   * The role SSM Automation assumes for the remediations: revoking rules of security groups in this
   * environment's VPC only (condition ec2:Vpc), and setting the public access block of buckets of
   * this account. No `*` action; `*` resource only for DescribeSecurityGroups, which has no
   * resource-level permissions.
   */
  private remediationRole(props: EnvironmentConfigProps): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'RemediationRole', {
      assumedBy: new iam.ServicePrincipal('ssm.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      description: `cityplan ${props.estate}/${props.environment}: AWS Config remediations (SSM Automation)`,
    });
    const groups = stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' });
    const buckets = `arn:${stack.partition}:s3:::*`;
    const policy = new iam.ManagedPolicy(this, 'RemediationPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: ['ec2:DescribeSecurityGroups'], resources: ['*'] }),
        new iam.PolicyStatement({
          actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress'],
          resources: [groups],
          conditions: { ArnEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: props.vpc.vpcId }) } },
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
          resources: [buckets],
          conditions: { StringEquals: { 's3:ResourceAccount': stack.account } },
        }),
      ],
    });
    acknowledge(policy, {
      'AwsSolutions-IAM5[Resource::*]': 'ec2:DescribeSecurityGroups has no resource-level permissions; it only reads.',
      [wildcardResourceFinding(this, groups)]:
        "The default security group's id is known only once the VPC exists; the condition ec2:Vpc limits revoking to this environment's VPC.",
      [wildcardResourceFinding(this, buckets)]:
        'The remediation closes public access on whichever bucket of this account Config finds public; the condition s3:ResourceAccount keeps it to this account.',
    });
    return role;
  }

  /**
   * The configuration recorder (every supported resource type of the region, continuously) and a
   * delivery channel writing snapshots and history to a bucket encrypted with the environment key.
   * The recorder's role uses AWS's AWS_ConfigRole policy, which AWS keeps up to date with the read
   * permissions of every resource type Config records.
   */
  private recorderAndChannel(props: EnvironmentConfigProps): config.CfnConfigurationRecorder {
    const stack = Stack.of(this);
    const name = resourceName.configRecorder(props.estate, props.environment);
    const bucket = new s3.Bucket(this, 'Bucket', {
      ...kmsBucketProps(props.key),
      versioned: true,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: `s3/_config/`,
      lifecycleRules: [{ expiration: Duration.days(props.protect ? 400 : 90), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(bucket, {
      'NIST.800.53.R5-S3BucketReplicationEnabled': 'Configuration history is versioned and kept in-region for its retention; cross-region replication is a per-estate choice, not a default.',
    });
    const role = new iam.Role(this, 'RecorderRole', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
      description: `cityplan ${props.estate}/${props.environment}: AWS Config recorder and delivery channel`,
    });
    // What the delivery channel does (AWS Config developer guide, "Permissions for the Amazon S3
    // Bucket" and "Permissions for the KMS Key"): check the bucket, put objects under its prefix.
    const objects = bucket.arnForObjects(`${CONFIG_DELIVERY_PREFIX}/*`);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [bucket.bucketArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [objects] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }));
    const bucketId = stack.resolve(stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)) as string;
    acknowledge(role, {
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]':
        'AWS_ConfigRole is the policy AWS maintains for the Config recorder: read access to every resource type it records, kept current as types are added.',
      'NIST.800.53.R5-IAMNoInlinePolicy': 'The recorder role policy names only its delivery bucket and the environment key; it belongs to that role alone.',
      [`AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${CONFIG_DELIVERY_PREFIX}/*]`]: 'The delivery channel writes objects of generated names under its own prefix of its own bucket.',
    });
    const recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      name,
      roleArn: role.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
    });
    const channel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      name,
      s3BucketName: bucket.bucketName,
      s3KeyPrefix: CONFIG_DELIVERY_PREFIX,
      s3KmsKeyArn: props.key.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    channel.node.addDependency(role);
    return recorder;
  }
}
