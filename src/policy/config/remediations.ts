/**
 * The Config rules whose non-compliance an SSM Automation runbook fixes automatically, because the
 * fix cannot break anything cityplan deployed: cityplan never uses a default security group, and
 * never wants a bucket public. Everything else that turns non-compliant reaches the environment's
 * responder (issue 10 routes "Config Rules Compliance Change" events to it) and its alerts.
 *
 * Not remediated, deliberately: S3 encryption (every bucket is encrypted by default since January
 * 2023, and AWS-EnableS3BucketEncryption would set a key other than the environment's), bucket
 * SSL-only policies (AWSConfigRemediation-RestrictBucketSSLRequestsOnly rewrites a bucket policy
 * CloudFormation owns: drift), ELB deletion protection (an unprotected environment is meant to be
 * deletable).
 */
export interface Remediation {
  /** The ManagedRule name it fixes. */
  readonly rule: string;
  /** The AWS-owned SSM Automation document (AWS Systems Manager Automation runbook reference). */
  readonly document: string;
  /** The document parameter that takes the non-compliant resource's id. */
  readonly resourceParameter: string;
  /** Further static parameters. */
  readonly parameters?: Readonly<Record<string, string>>;
}

export const REMEDIATIONS: readonly Remediation[] = [
  { rule: 'vpc-default-security-group-closed', document: 'AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules', resourceParameter: 'GroupId' },
  {
    rule: 's3-bucket-level-public-access-prohibited',
    document: 'AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock',
    resourceParameter: 'BucketName',
    parameters: { BlockPublicAcls: 'true', IgnorePublicAcls: 'true', BlockPublicPolicy: 'true', RestrictPublicBuckets: 'true' },
  },
];

/**
 * Automatic remediation's retry limits: up to 5 attempts (MaximumAutomaticAttempts takes 1–25)
 * within 60 seconds each (RetryAttemptSeconds), so a fix that keeps failing stops and leaves the
 * rule non-compliant for the responder rather than retrying for ever.
 */
export const REMEDIATION_ATTEMPTS = 5;
export const REMEDIATION_RETRY_SECONDS = 60;
