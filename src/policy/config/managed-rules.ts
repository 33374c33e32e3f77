/**
 * The AWS Config managed rules each environment gets: those of AWS's "Operational Best Practices
 * for NCSC Cloud Security Principles" conformance pack (awslabs/aws-config-rules,
 * aws-config-conformance-packs/Operational-Best-Practices-for-NCSC-CloudSec-Principles.yaml) that
 * judge something cityplan deploys, plus the managed rules for what that pack predates (ECS
 * container settings, ELB deletion protection, RDS backups and Multi-AZ). Rules about things
 * cityplan never creates (EC2 instances, Redshift, EMR, SageMaker, IAM users, CloudTrail) are
 * left to the organisation's own conformance packs. docs/policy.md lists what was left out and why.
 *
 * Rule names are the pack's (AWS's conventional names), prefixed per environment by
 * resourceName.configRule.
 */
export interface ManagedRule {
  /** The rule's conventional name, as the conformance pack names it. */
  readonly name: string;
  /** The managed rule's source identifier (AWS Config developer guide, "List of AWS Config Managed Rules"). */
  readonly identifier: string;
  /** Input parameters, as AWS Config takes them (strings). */
  readonly parameters?: Readonly<Record<string, string>>;
  /** Resource types the rule is scoped to; absent: the managed rule's own default scope. */
  readonly resourceTypes?: readonly string[];
  /** Only in protected environments: what the rule demands is what `protect` turns on. */
  readonly protectedOnly?: boolean;
}

/**
 * The rules, in the order they are created. `parameters` taking figures: log retention is checked
 * against what cityplan sets (logRetention: 365 days protected, 30 otherwise); a certificate within
 * 30 days of expiry means ACM's managed renewal (which starts 60 days before) has failed.
 */
export function managedRules(retentionDays: number): ManagedRule[] {
  return [
    { name: 'alb-http-to-https-redirection-check', identifier: 'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK' },
    { name: 'alb-waf-enabled', identifier: 'ALB_WAF_ENABLED', resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'] },
    { name: 'alb-http-drop-invalid-header-enabled', identifier: 'ALB_HTTP_DROP_INVALID_HEADER_ENABLED', resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'] },
    { name: 'elb-logging-enabled', identifier: 'ELB_LOGGING_ENABLED', resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'] },
    { name: 'elb-deletion-protection-enabled', identifier: 'ELB_DELETION_PROTECTION_ENABLED', resourceTypes: ['AWS::ElasticLoadBalancingV2::LoadBalancer'], protectedOnly: true },
    { name: 'ecs-container-insights-enabled', identifier: 'ECS_CONTAINER_INSIGHTS_ENABLED', resourceTypes: ['AWS::ECS::Cluster'] },
    { name: 'ecs-containers-nonprivileged', identifier: 'ECS_CONTAINERS_NONPRIVILEGED', resourceTypes: ['AWS::ECS::TaskDefinition'] },
    { name: 'ecs-containers-readonly-access', identifier: 'ECS_CONTAINERS_READONLY_ACCESS', resourceTypes: ['AWS::ECS::TaskDefinition'] },
    { name: 'cloudwatch-log-group-encrypted', identifier: 'CLOUDWATCH_LOG_GROUP_ENCRYPTED' },
    { name: 'cw-loggroup-retention-period-check', identifier: 'CW_LOGGROUP_RETENTION_PERIOD_CHECK', parameters: { MinRetentionTime: String(retentionDays) } },
    { name: 's3-bucket-level-public-access-prohibited', identifier: 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', resourceTypes: ['AWS::S3::Bucket'] },
    { name: 's3-bucket-server-side-encryption-enabled', identifier: 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', resourceTypes: ['AWS::S3::Bucket'] },
    { name: 's3-bucket-ssl-requests-only', identifier: 'S3_BUCKET_SSL_REQUESTS_ONLY', resourceTypes: ['AWS::S3::Bucket'] },
    { name: 'rds-storage-encrypted', identifier: 'RDS_STORAGE_ENCRYPTED', resourceTypes: ['AWS::RDS::DBInstance'] },
    { name: 'rds-instance-public-access-check', identifier: 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK', resourceTypes: ['AWS::RDS::DBInstance'] },
    { name: 'db-instance-backup-enabled', identifier: 'DB_INSTANCE_BACKUP_ENABLED', resourceTypes: ['AWS::RDS::DBInstance'] },
    { name: 'rds-multi-az-support', identifier: 'RDS_MULTI_AZ_SUPPORT', resourceTypes: ['AWS::RDS::DBInstance'], protectedOnly: true },
    { name: 'acm-certificate-expiration-check', identifier: 'ACM_CERTIFICATE_EXPIRATION_CHECK', parameters: { daysToExpiration: '30' }, resourceTypes: ['AWS::ACM::Certificate'] },
    { name: 'guardduty-enabled-centralized', identifier: 'GUARDDUTY_ENABLED_CENTRALIZED' },
    { name: 'vpc-default-security-group-closed', identifier: 'VPC_DEFAULT_SECURITY_GROUP_CLOSED', resourceTypes: ['AWS::EC2::SecurityGroup'] },
    { name: 'vpc-flow-logs-enabled', identifier: 'VPC_FLOW_LOGS_ENABLED' },
    { name: 'restricted-ssh', identifier: 'INCOMING_SSH_DISABLED', resourceTypes: ['AWS::EC2::SecurityGroup'] },
    { name: 'restricted-common-ports', identifier: 'RESTRICTED_INCOMING_TRAFFIC', resourceTypes: ['AWS::EC2::SecurityGroup'] },
    { name: 'sns-encrypted-kms', identifier: 'SNS_ENCRYPTED_KMS', resourceTypes: ['AWS::SNS::Topic'] },
    { name: 'kms-cmk-not-scheduled-for-deletion', identifier: 'KMS_CMK_NOT_SCHEDULED_FOR_DELETION', resourceTypes: ['AWS::KMS::Key'] },
    { name: 'iam-policy-no-statements-with-admin-access', identifier: 'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS', resourceTypes: ['AWS::IAM::Policy'] },
  ];
}
