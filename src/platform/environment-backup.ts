import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { BACKUP_TAG } from '../service/backup-tag';

export interface EnvironmentBackupProps {
  /** Vault name (resourceName.backupVault): unique per account and region. */
  readonly vaultName: string;
  /** Plan name (resourceName.backupPlan). */
  readonly planName: string;
  /** The environment's key: recovery points in the vault are encrypted with it. */
  readonly key: kms.IKey;
}

/**
 * Days a daily recovery point is kept; also the window of point-in-time restore. 35 is the most
 * AWS Backup allows for continuous backups (AWS Backup Developer Guide, "Continuous backups and
 * point-in-time recovery").
 */
export const DAILY_RETENTION_DAYS = 35;
/** Days a weekly recovery point is kept: damage found late (a bad migration noticed at audit) can still be undone. */
export const WEEKLY_RETENTION_DAYS = 365;

/**
 * AWS Backup for a protected environment: a vault encrypted with the environment key, a plan, and
 * a selection of every resource tagged `cityplan:backup=true` (markForBackup), with a role holding
 * the AWS managed policies for backup and restore.
 *
 * The plan:
 *  - `Daily`: continuous backup (point-in-time recovery for RDS, Aurora and S3) plus a daily
 *    recovery point at 03:00 UTC, kept 35 days. Recovery point objective: minutes for those
 *    resources (continuous backup), a day at worst for anything continuous backup does not cover.
 *  - `Weekly`: a recovery point every Sunday at 04:00 UTC, kept a year.
 *
 * The vault is retained: it outlives the foundation stack with its recovery points (AWS Backup
 * refuses to delete a vault that holds any).
 */
export class EnvironmentBackup extends Construct {
  readonly vault: backup.BackupVault;
  readonly plan: backup.BackupPlan;

  constructor(scope: Construct, id: string, props: EnvironmentBackupProps) {
    super(scope, id);
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: props.vaultName,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: props.planName,
      backupVault: this.vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '3' }),
          enableContinuousBackup: true,
          deleteAfter: Duration.days(DAILY_RETENTION_DAYS),
        }),
        new backup.BackupPlanRule({
          ruleName: 'Weekly',
          scheduleExpression: events.Schedule.cron({ minute: '0', hour: '4', weekDay: 'SUN' }),
          deleteAfter: Duration.days(WEEKLY_RETENTION_DAYS),
        }),
      ],
    });
    const selection = this.plan.addSelection('Tagged', {
      resources: [backup.BackupResource.fromTag(BACKUP_TAG.key, BACKUP_TAG.value)],
      allowRestores: true,
    });
    const role = selection.node.findChild('Role') as iam.Role;
    // S3 is not in the general Backup policies: AWS Backup documents these two for backing up and
    // restoring buckets ("Amazon S3 backups", AWS Backup Developer Guide). Not under service-role/.
    for (const policy of S3_POLICIES) role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(policy));
    for (const policy of ['service-role/AWSBackupServiceRolePolicyForBackup', 'service-role/AWSBackupServiceRolePolicyForRestores', ...S3_POLICIES]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: `${policy.replace('service-role/', '')} is the policy AWS Backup documents for its service role; AWS keeps it in step with the resource types Backup supports, and the role serves this plan only.`,
      });
    }
  }
}

const S3_POLICIES = ['AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore'] as const;
