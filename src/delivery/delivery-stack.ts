import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { DELIVERY, parameter, resourceName, SSM_ROOT } from '../naming/names';
import { acknowledge } from '../policy/acknowledge';
import { deployRolePattern } from './bootstrap-roles';
import { kmsBucketProps } from '../platform/kms-bucket';

export interface DeliveryStackProps extends StackProps {
  readonly estate: string;
  /** The accounts of the estate's environments: their CDK deploy roles read pipeline artifacts. */
  readonly environmentAccounts: readonly string[];
}

/**
 * What every service pipeline of an estate shares, in the delivery account: the KMS key that
 * encrypts artifacts, images and build logs, and the artifact bucket. Both are published as SSM
 * parameters (never exports: a thousand pipelines importing an export would freeze it).
 *
 * The environments' deploy roles (`cdk bootstrap --trust <delivery account>`) read the packaged
 * templates from the bucket when a pipeline's CloudFormation action runs in their account; the
 * bootstrap template gives those roles the matching permissions on their side
 * (PipelineCrossAccountArtifactsBucket and …Key).
 */
export class DeliveryStack extends Stack {
  constructor(scope: Construct, id: string, props: DeliveryStackProps) {
    super(scope, id, props);
    const accounts = [...new Set(props.environmentAccounts)].sort();
    const readers = accounts.map((a) => new iam.AccountPrincipal(a));
    const onlyDeployRoles = { ArnLike: { 'aws:PrincipalArn': accounts.map((a) => deployRolePattern(a)) } };

    const key = new kms.Key(this, 'Key', {
      description: `cityplan ${props.estate}: pipeline artifacts, images and build logs`,
      enableKeyRotation: true,
      alias: `alias/cityplan/${props.estate}/${DELIVERY}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Build logs of every service (resourceName.buildLogGroup) are encrypted with the key.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${this.partition}:logs:${this.region}:${this.account}:log-group:${SSM_ROOT}/${props.estate}/${DELIVERY}/*` },
        },
      }),
    );
    if (readers.length > 0) {
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: readers,
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: ['*'],
          conditions: onlyDeployRoles,
        }),
      );
    }

    const bucket = new s3.Bucket(this, 'Artifacts', {
      bucketName: resourceName.artifactBucket(props.estate, this.account, this.region),
      ...kmsBucketProps(key),
      versioned: true,
      // Artifacts matter for one pipeline run; 30 days covers a run waiting at an approval (7 days by default).
      lifecycleRules: [{ expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (readers.length > 0) {
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: readers,
          actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetBucketLocation', 's3:ListBucket'],
          resources: [bucket.bucketArn, bucket.arnForObjects('*')],
          conditions: onlyDeployRoles,
        }),
      );
    }
    acknowledge(bucket, {
      'AwsSolutions-S1': 'Pipeline artifacts are short-lived build outputs read only by the pipelines and the environments’ deploy roles; each access is an AWS API call by a role CloudTrail records.',
      'NIST.800.53.R5-S3BucketLoggingEnabled': 'As AwsSolutions-S1: artifacts are read only by pipeline and deploy roles, whose calls CloudTrail records.',
      'NIST.800.53.R5-S3BucketReplicationEnabled': 'Artifacts are rebuilt by running the pipeline again; replicating them to another region would keep copies nothing reads.',
    });

    new ssm.StringParameter(this, 'KeyArnParam', {
      parameterName: parameter.deliveryKeyArn(props.estate),
      stringValue: key.keyArn,
      description: `cityplan ${props.estate}: delivery KMS key`,
    });
  }
}
