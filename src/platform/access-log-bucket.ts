import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import { acknowledge } from '../policy/acknowledge';

/** Prefix under which load balancers write access logs in the bucket. */
export const ACCESS_LOG_PREFIX = 'ingress';

/** Prefix under which S3 writes the server access logs of service buckets (see resourceName.bucketAccessLogPrefix). */
export const SERVICE_BUCKET_LOG_PREFIX = 's3';

export interface AccessLogBucketProps {
  readonly region: string;
  /** Keep logs 400 days rather than 90. */
  readonly protect: boolean;
}

/** Where every load balancer of an environment writes its access logs. */
export class AccessLogBucket extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      // Load balancers can only write access logs to buckets encrypted with S3-managed keys.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(props.protect ? 400 : 90), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [loadBalancerLogWriter(props.region)],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${ACCESS_LOG_PREFIX}/*`)],
      }),
    );
    // S3 server access logs of the environment's service buckets (each under s3/<service>/),
    // from buckets of this account only (S3 User Guide, "Enabling Amazon S3 server access
    // logging": grant logging.s3.amazonaws.com s3:PutObject, with aws:SourceAccount).
    this.bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${SERVICE_BUCKET_LOG_PREFIX}/*`)],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    const selfLogging = 'This bucket is the destination of access logs; logging its own access would log the logging.';
    acknowledge(this.bucket, {
      'AwsSolutions-S1': selfLogging,
      'NIST.800.53.R5-S3BucketLoggingEnabled': selfLogging,
      'NIST.800.53.R5-S3DefaultEncryptionKMS': 'Elastic Load Balancing writes access logs only to buckets encrypted with S3-managed keys (SSE-S3).',
      'NIST.800.53.R5-S3BucketReplicationEnabled':
        'Access logs are versioned and retained in-region; cross-region replication is a per-estate choice, not a default.',
    });
  }
}

/** Who writes ALB access logs: the regional ELB account where one exists, the log delivery service elsewhere. */
function loadBalancerLogWriter(region: string): iam.IPrincipal {
  const account = RegionInfo.get(region).elbv2Account;
  return account ? new iam.AccountPrincipal(account) : new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com');
}
