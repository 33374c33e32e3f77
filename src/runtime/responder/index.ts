/**
 * The environment's runbook responder: the Lambda handler. EventBridge rules (src/operations/)
 * deliver AWS events and the estate's alarm state changes; each is answered by `respond` within
 * the guardrails. Configuration comes from the function's environment (set by ResponderFunction);
 * per-service settings from SSM, read on demand and cached across invocations.
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { awsActions } from './aws-actions';
import { awsLookups } from './aws-lookups';
import { DynamoGuardStore } from './aws-store';
import type { ResponderContext, ServiceSettings } from './context';
import { respond, type AuditRecord } from './guardrails';

/** The function's environment variables (see src/operations/responder-function.ts). */
export const VARIABLES = {
  estate: 'CITYPLAN_ESTATE',
  environment: 'CITYPLAN_ENVIRONMENT',
  dryRun: 'CITYPLAN_DRY_RUN',
  maxActionsPerHour: 'CITYPLAN_MAX_ACTIONS_PER_HOUR',
  auditTable: 'CITYPLAN_AUDIT_TABLE',
  auditDays: 'CITYPLAN_AUDIT_DAYS',
  topicArn: 'CITYPLAN_ALERTS_TOPIC_ARN',
  zoneId: 'CITYPLAN_ZONE_ID',
  quarantineGroupId: 'CITYPLAN_QUARANTINE_GROUP_ID',
} as const;

const env = (name: string) => process.env[name] ?? '';
const clients = {
  ecs: new ECSClient({}),
  ec2: new EC2Client({}),
  s3: new S3Client({}),
  acm: new ACMClient({}),
  route53: new Route53Client({}),
  ssm: new SSMClient({}),
  sns: new SNSClient({}),
  dynamodb: new DynamoDBClient({}),
};
/** Service settings, kept across invocations of one execution environment (exported for tests to clear). */
export const settingsCache = new Map<string, { at: number; value?: ServiceSettings }>();

export async function handler(event: unknown): Promise<AuditRecord> {
  const ctx: ResponderContext = {
    estate: env(VARIABLES.estate),
    environment: env(VARIABLES.environment),
    dryRun: env(VARIABLES.dryRun) === 'true',
    maxActionsPerHour: Number(env(VARIABLES.maxActionsPerHour)) || 6,
    now: Date.now(),
  };
  const store = new DynamoGuardStore(clients.dynamodb, env(VARIABLES.auditTable), Number(env(VARIABLES.auditDays)) || 90);
  return respond(event, ctx, {
    lookups: awsLookups(clients, () => ctx, store, env(VARIABLES.zoneId) || undefined, settingsCache),
    store,
    act: awsActions({ ...clients, topicArn: env(VARIABLES.topicArn), quarantineGroupId: env(VARIABLES.quarantineGroupId), environment: `${ctx.estate}/${ctx.environment}` }),
    log: (line) => console.log(JSON.stringify(line)),
  });
}
