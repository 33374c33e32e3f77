/**
 * The 14 UK NCSC Cloud Security Principles (https://www.ncsc.gov.uk/collection/cloud/the-cloud-security-principles)
 * and, for each, the checks of this estate that cover it: plan-time rules (cdk-nag's AwsSolutions
 * and NIST 800-53 R5 packs, cityplan's own) and run-time AWS Config rules (src/policy/config,
 * by their conventional names; each environment's are prefixed cityplan-<estate>-<env>-).
 *
 * One table, read by `cityplan policy`, docs/policy.md and the estate report. A rule may cover
 * several principles. Principles about the provider or the organisation have few or no technical
 * checks, and `note` says what covers them instead.
 */
export interface Principle {
  readonly number: number;
  readonly name: string;
  /** Plan-time rule ids, as findings and acknowledgements name them (without a `[...]` suffix). */
  readonly planRules: readonly string[];
  /** Run-time AWS Config managed rules (managed-rules.ts names). */
  readonly configRules: readonly string[];
  readonly note?: string;
}

export const NCSC_PRINCIPLES: readonly Principle[] = [
  {
    number: 1,
    name: 'Data in transit protection',
    planRules: ['AwsSolutions-ELB2', 'NIST.800.53.R5-ALBHttpToHttpsRedirection', 'NIST.800.53.R5-ELBv2ACMCertificateRequired', 'NIST.800.53.R5-S3BucketSSLRequestsOnly', 'AwsSolutions-S10', 'AwsSolutions-SNS3', 'AwsSolutions-SQS4'],
    configRules: ['alb-http-to-https-redirection-check', 's3-bucket-ssl-requests-only', 'acm-certificate-expiration-check'],
  },
  {
    number: 2,
    name: 'Asset protection and resilience',
    planRules: [
      'NIST.800.53.R5-CloudWatchLogGroupEncrypted',
      'NIST.800.53.R5-S3DefaultEncryptionKMS',
      'NIST.800.53.R5-RDSStorageEncrypted',
      'NIST.800.53.R5-SNSEncryptedKMS',
      'AwsSolutions-KMS5',
      'NIST.800.53.R5-RDSMultiAZSupport',
      'NIST.800.53.R5-RDSInstanceBackupEnabled',
      'NIST.800.53.R5-RDSInBackupPlan',
      'NIST.800.53.R5-ELBDeletionProtectionEnabled',
      'NIST.800.53.R5-S3BucketVersioningEnabled',
      'Cityplan-ProtectedRedundancy',
    ],
    configRules: [
      'cloudwatch-log-group-encrypted',
      's3-bucket-server-side-encryption-enabled',
      'rds-storage-encrypted',
      'sns-encrypted-kms',
      'kms-cmk-not-scheduled-for-deletion',
      'rds-multi-az-support',
      'db-instance-backup-enabled',
      'elb-deletion-protection-enabled',
    ],
  },
  {
    number: 3,
    name: 'Separation between customers',
    planRules: ['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-VPCDefaultSecurityGroupClosed', 'NIST.800.53.R5-RDSInstancePublicAccess', 'NIST.800.53.R5-S3BucketLevelPublicAccessProhibited', 'Cityplan-WorldIngress', 'Cityplan-NonRootContainers'],
    configRules: ['vpc-default-security-group-closed', 'restricted-common-ports', 'rds-instance-public-access-check', 's3-bucket-level-public-access-prohibited', 'ecs-containers-nonprivileged', 'ecs-containers-readonly-access'],
    note: 'Each environment has its own VPC, cluster and key; AWS separates accounts and tenants (Fargate runs each task in its own micro-VM).',
  },
  {
    number: 4,
    name: 'Governance framework',
    planRules: ['Cityplan-Tagged'],
    configRules: [],
    note: "The estate's manifests and lock in version control are its record of intent; every acknowledgement carries its reason. The organisation's governance is outside the estate.",
  },
  {
    number: 5,
    name: 'Operational security',
    planRules: ['Cityplan-DeploymentAlarms', 'AwsSolutions-ECS4', 'NIST.800.53.R5-CloudWatchAlarmAction'],
    configRules: ['ecs-container-insights-enabled', 'guardduty-enabled-centralized'],
    note: 'Config remediations close the default security group and public bucket access; the responder receives Config compliance changes and GuardDuty findings.',
  },
  {
    number: 6,
    name: 'Personnel security',
    planRules: [],
    configRules: [],
    note: "About the provider's and the organisation's people: AWS's attestations (SOC 2, ISO 27001) and the organisation's vetting; no technical check applies.",
  },
  {
    number: 7,
    name: 'Secure development',
    planRules: ['Cityplan-SecretVariables', 'AwsSolutions-ECS2'],
    configRules: [],
    note: 'Every change goes through a plan with these checks before deploy; pipelines build and test each service.',
  },
  {
    number: 8,
    name: 'Supply chain security',
    planRules: ['AwsSolutions-IAM4'],
    configRules: [],
    note: 'Only AWS managed services, no servers; images come from the delivery account. Dependency and image scanning belong to the pipelines.',
  },
  {
    number: 9,
    name: 'Secure user management',
    planRules: ['AwsSolutions-IAM5', 'NIST.800.53.R5-IAMNoInlinePolicy', 'NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess'],
    configRules: ['iam-policy-no-statements-with-admin-access'],
    note: "Users and their access are the organisation's identity provider's (IAM Identity Center); cityplan creates roles for services only.",
  },
  {
    number: 10,
    name: 'Identity and authentication',
    planRules: ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerUsingKMSKey'],
    configRules: [],
    note: 'Services authenticate to AWS with task roles (no keys); their secrets live in Secrets Manager.',
  },
  {
    number: 11,
    name: 'External interface protection',
    planRules: ['NIST.800.53.R5-ALBWAFEnabled', 'AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedSSH', 'NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW', 'Cityplan-WorldIngress'],
    configRules: ['alb-waf-enabled', 'alb-http-drop-invalid-header-enabled', 'restricted-ssh', 'restricted-common-ports'],
  },
  {
    number: 12,
    name: 'Secure service administration',
    planRules: ['NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess', 'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess'],
    configRules: ['iam-policy-no-statements-with-admin-access'],
    note: 'No servers to administer: changes are deployed by CloudFormation from a reviewed plan.',
  },
  {
    number: 13,
    name: 'Audit information and alerting for customers',
    planRules: ['NIST.800.53.R5-ELBLoggingEnabled', 'AwsSolutions-S1', 'AwsSolutions-VPC7', 'NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod', 'NIST.800.53.R5-WAFv2LoggingEnabled', 'Cityplan-LogPipeline'],
    configRules: ['elb-logging-enabled', 'vpc-flow-logs-enabled', 'cw-loggroup-retention-period-check'],
  },
  {
    number: 14,
    name: 'Secure use of the service',
    planRules: ['Cityplan-Tagged', 'Cityplan-NonRootContainers'],
    configRules: [],
    note: 'The platform sets the secure defaults (encryption, TLS, least privilege) so that teams cannot leave them out; this table shows where each is checked.',
  },
];

/** A rule's result in the plan: findings nobody acknowledged, and acknowledged ones (each with its reason elsewhere). */
export interface RuleResult {
  readonly rule: string;
  readonly unacknowledged: number;
  readonly acknowledged: number;
}

export interface PrincipleResult extends Principle {
  readonly plan: readonly RuleResult[];
}

/** A finding or acknowledgement id without its `[...]` detail: `AwsSolutions-IAM5[Resource::*]` → `AwsSolutions-IAM5`. */
export const baseRule = (id: string): string => id.replace(/\[.*$/, '');

/**
 * Each principle with its plan-time rules' results.
 * @param findings rule ids of the plan's unacknowledged findings (one per finding)
 * @param acknowledged rule ids of the plan's acknowledgements (one per acknowledgement)
 */
export function principleResults(findings: readonly string[], acknowledged: readonly string[]): PrincipleResult[] {
  const count = (ids: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(baseRule(id), (counts.get(baseRule(id)) ?? 0) + 1);
    return counts;
  };
  const open = count(findings);
  const acks = count(acknowledged);
  return NCSC_PRINCIPLES.map((p) => ({ ...p, plan: p.planRules.map((rule) => ({ rule, unacknowledged: open.get(rule) ?? 0, acknowledged: acks.get(rule) ?? 0 })) }));
}
