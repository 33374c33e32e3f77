/**
 * The audit line the environment's responder writes to its log group
 * (`resourceName.responderLogGroup`), one JSON object per line, for every event it handles. The log
 * pipeline carries those lines to S3 like any service's, and the `deployments-over-time` and
 * `responder-actions-over-time` queries read them. Fields beyond these are allowed and ignored.
 *
 * ```json
 * {"audit":"cityplan.responder","at":"2026-11-30T19:05:00Z","service":"visits",
 *  "event":"SERVICE_DEPLOYMENT_FAILED","runbook":"deploy-regression","action":"rollback","outcome":"done"}
 * ```
 */
export interface ResponderAuditLine {
  /** Marks the line as an audit record; other lines of the log group (diagnostics) are not counted. */
  readonly audit: typeof RESPONDER_AUDIT_MARK;
  /** When the responder acted, ISO 8601 UTC. The queries bucket by the CloudWatch event time instead, which needs no parsing. */
  readonly at: string;
  /** The service the event is about. */
  readonly service: string;
  /**
   * What happened: for an ECS deployment its `detail.eventName` (`SERVICE_DEPLOYMENT_IN_PROGRESS`,
   * `SERVICE_DEPLOYMENT_COMPLETED`, `SERVICE_DEPLOYMENT_FAILED`), otherwise the event's `detail-type`.
   */
  readonly event: string;
  /** The runbook that decided, absent when none applied. */
  readonly runbook?: string;
  /** What it did (`rollback`, `scale-out`, `notify`, ...), absent when it only recorded. */
  readonly action?: string;
  /** `done`, `dry-run` (the environment's runbooks.dryRun), `skipped` or `failed`. */
  readonly outcome: 'done' | 'dry-run' | 'skipped' | 'failed';
}

export const RESPONDER_AUDIT_MARK = 'cityplan.responder';

/** The ECS deployment event names counted as deployments. */
export const DEPLOYMENT_EVENTS = ['SERVICE_DEPLOYMENT_IN_PROGRESS', 'SERVICE_DEPLOYMENT_COMPLETED', 'SERVICE_DEPLOYMENT_FAILED'] as const;
