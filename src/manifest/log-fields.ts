/** Limits on the `logs` service field, from CloudWatch Logs. */

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy, `retentionInDays`). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * Patterns one service may alarm on. A log group takes at most 100 metric filters (CloudWatch
 * Logs quotas, not adjustable); cityplan puts 3 of its own on each service log group (structured
 * lines, errors, fatal; see src/operations/log-alarms.ts) and leaves the rest for the log pipeline and the team.
 */
export const MAX_ALARM_PATTERNS = 20;

/**
 * Regular expressions (`%…%`) in filter patterns: at most 2 in one pattern and 5 per log group
 * (CloudWatch Logs PutMetricFilter). cityplan's own patterns use none.
 */
export const MAX_REGEX_PER_PATTERN = 2;
export const MAX_REGEX_PER_LOG_GROUP = 5;
export const regexCount = (pattern: string): number => Math.floor((pattern.match(/%/g)?.length ?? 0) / 2);
