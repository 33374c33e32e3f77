import { Tags } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The tag a protected environment's backup plan selects by (environment-backup.ts): every
 * database and bucket a service owns carries it, so that backups follow the data without the
 * foundation knowing any service.
 */
export const BACKUP_TAG = { key: 'cityplan:backup', value: 'true' } as const;

/**
 * Marks a service's data for the environment's backups: call it on every database (RDS instance or
 * Aurora cluster) and bucket a service creates. The tag is harmless where the environment is not
 * protected (no plan selects it there). A bucket must be versioned to be backed up (AWS Backup
 * refuses unversioned buckets).
 */
export function markForBackup(construct: IConstruct): void {
  Tags.of(construct).add(BACKUP_TAG.key, BACKUP_TAG.value);
}
