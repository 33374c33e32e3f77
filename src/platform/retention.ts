import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Protected environments keep logs for audit; others long enough to debug a release. */
export function logRetention(protect: boolean): RetentionDays {
  return protect ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH;
}
