/**
 * The built-in runbooks: their fixed names (CONTRACT.md), what each answers, and the tuning a
 * service may give each under `runbooks.<name>`. Plain data with no imports, because three places
 * read it: the manifest schema (synth time), the responder Lambda (bundled from src/runtime, which
 * must stay small) and `cityplan runbook list`.
 */

export const BUILT_IN_RUNBOOKS = [
  'deploy-regression',
  'scale-out',
  'crash-loop',
  'out-of-memory',
  'compromised-task',
  'config-drift',
  'certificate-expiry',
  'scheduled-change',
] as const;

export type BuiltInRunbook = (typeof BUILT_IN_RUNBOOKS)[number];

/** One tuning field of a runbook: its default and where the figure comes from. */
export interface TuningField {
  readonly default: number | boolean;
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

/** Fields every runbook takes. */
export const COMMON_TUNING: Readonly<Record<'enabled' | 'cooldown', TuningField>> = {
  enabled: { default: true, description: 'Whether the runbook answers events of this service.' },
  cooldown: {
    default: 15,
    min: 1,
    max: 1440,
    description:
      'Minutes after the runbook acted on this service during which it does not act again: the events its own action causes (a rollback, a new deployment) never trigger it twice.',
  },
};

export interface RunbookInfo {
  readonly trigger: string;
  readonly does: string;
  readonly tuning: Readonly<Record<string, TuningField>>;
}

export const RUNBOOK_INFO: Readonly<Record<BuiltInRunbook, RunbookInfo>> = {
  'deploy-regression': {
    trigger: 'CloudWatch Alarm State Change to ALARM of the service error-rate (5xx), unhealthy-hosts, log-errors, log-fatal or log-pattern-<n> alarm; ECS Deployment State Change SERVICE_DEPLOYMENT_FAILED',
    does: 'within `window` minutes of a deployment: roll back to the previous task definition and notify; outside it: notify with the evidence',
    tuning: {
      window: { default: 30, min: 1, max: 1440, description: 'Minutes after a deployment started during which an error alarm is blamed on it.' },
      rollback: { default: true, description: 'Roll back (false: notify only).' },
    },
  },
  'scale-out': {
    trigger: 'CloudWatch Alarm State Change to ALARM of the service latency-p99 alarm (CPU is target tracking\'s: task-scaling.ts)',
    does: 'raise the desired count by `step` tasks, never past count.max; at count.max: notify',
    tuning: { step: { default: 1, min: 1, max: 100, description: 'Tasks added per action.' } },
  },
  'crash-loop': {
    trigger: 'ECS Task State Change STOPPED with a non-zero essential container exit, failed health check or task failed to start; ECS Service Action SERVICE_TASK_START_IMPAIRED',
    does: '`stops` stopped tasks within `within` minutes: one forced new deployment, then, while it keeps crashing within the cooldown, escalate (OpsItem)',
    tuning: {
      stops: { default: 3, min: 1, max: 100, description: 'Stopped tasks that make a crash loop.' },
      within: { default: 10, min: 1, max: 60, description: 'Minutes within which they count.' },
    },
  },
  'out-of-memory': {
    trigger: 'ECS Task State Change STOPPED whose container reason is OutOfMemoryError (exit 137)',
    does: 'notify the owner with the evidence and the next valid Fargate memory size for the task CPU',
    tuning: {},
  },
  'compromised-task': {
    trigger: 'GuardDuty Finding on an ECS task of the estate',
    does: 'severity ≥ `severity`: isolate the task (its network interface moved to the environment quarantine security group, which has no rules), stop it, notify and escalate; lower: notify',
    tuning: {
      severity: { default: 7, min: 1, max: 10, description: 'Lowest GuardDuty severity acted on (7.0–8.9 is High in GuardDuty).' },
    },
  },
  'config-drift': {
    trigger: 'Config Rules Compliance Change to NON_COMPLIANT on a resource of the estate',
    does: 'remediate what is safe: block public access on an S3 bucket, revoke world-open ingress on a non-load-balancer port; notify for the rest',
    tuning: { remediate: { default: true, description: 'Remediate what is safe (false: notify only).' } },
  },
  'certificate-expiry': {
    trigger: 'ACM Certificate Approaching Expiration',
    does: 'check the certificate is DNS-validated and each validation record exists in the zone; notify with what is missing',
    tuning: {},
  },
  'scheduled-change': {
    trigger: 'AWS Health Event (scheduledChange or issue) for ECS, Fargate, EC2, ELB, RDS, ElastiCache, ACM, VPC, NAT gateway, Route 53 or Lambda',
    does: 'notify the owner of each ECS service of the cluster the event names (the alerts topic when it names none)',
    tuning: {},
  },
};

/** The hourly cap on actions per service when the environment sets none. */
export const DEFAULT_ACTIONS_PER_HOUR = 6;
