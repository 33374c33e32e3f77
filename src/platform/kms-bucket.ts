import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as kms from 'aws-cdk-lib/aws-kms';

/**
 * What every bucket cityplan makes for data shares (services' buckets, the log pipeline, AWS
 * Config's history, pipeline artifacts): SSE-KMS with the given key and an S3 Bucket Key (one data
 * key per bucket rather than per object, so far fewer KMS requests), TLS only, public access
 * blocked and ACLs off. Spread it into `s3.BucketProps`; the caller adds versioning, logging,
 * lifecycle and removal policy. (The access-log bucket is the exception: Elastic Load Balancing
 * writes only to SSE-S3 buckets.)
 */
export function kmsBucketProps(key: kms.IKey) {
  return {
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  } satisfies s3.BucketProps;
}
