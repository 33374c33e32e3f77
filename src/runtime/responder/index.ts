/**
 * The environment's runbook responder: the Lambda handler. EventBridge rules (src/operations/)
 * deliver AWS events and the estate's alarm state changes; each is answered by `respond` within
 * the guardrails. Configuration comes from the function's environment (set by ResponderFunction);
 * per-service settings from SSM, read on demand and cached across invocations.
 */
import { awsActions } from './aws-actions';
import { awsLookups, newLookupCache } from './aws-lookups';
import { DynamoGuardStore } from './aws-store';
import type { ResponderContext } from './context';
import { respond, type AuditRecord } from './guardrails';
import { lazy } from './lazy';
import { responderVariable } from '../../naming/names';


const env = (name: string) => process.env[name] ?? '';
/** One client of each kind per execution environment, each loaded when an event first needs it (lazy.ts). */
const clients = {
  ecs: lazy(async () => new (await import('@aws-sdk/client-ecs')).ECSClient({})),
  ec2: lazy(async () => new (await import('@aws-sdk/client-ec2')).EC2Client({})),
  s3: lazy(async () => new (await import('@aws-sdk/client-s3')).S3Client({})),
  acm: lazy(async () => new (await import('@aws-sdk/client-acm')).ACMClient({})),
  route53: lazy(async () => new (await import('@aws-sdk/client-route-53')).Route53Client({})),
  ssm: lazy(async () => new (await import('@aws-sdk/client-ssm')).SSMClient({})),
  sns: lazy(async () => new (await import('@aws-sdk/client-sns')).SNSClient({})),
  dynamodb: lazy(async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient({})),
};
/** Service settings and the estate's runbooks, kept across invocations of one execution environment (exported for tests to clear). */
export const lookupCache = newLookupCache();

export async function handler(event: unknown): Promise<AuditRecord> {
  const ctx: ResponderContext = {
    estate: env(responderVariable.estate),
    environment: env(responderVariable.environment),
    dryRun: env(responderVariable.dryRun) === 'true',
    maxActionsPerHour: Number(env(responderVariable.maxActionsPerHour)) || 6,
    now: Date.now(),
  };
  const store = new DynamoGuardStore(clients.dynamodb, env(responderVariable.auditTable), Number(env(responderVariable.auditDays)) || 90);
  return respond(event, ctx, {
    lookups: awsLookups(clients, () => ctx, store, env(responderVariable.zoneId) || undefined, lookupCache),
    store,
    act: awsActions({ ...clients, topicArn: env(responderVariable.topicArn), quarantineGroupId: env(responderVariable.quarantineGroupId), environment: `${ctx.estate}/${ctx.environment}` }),
    log: (line) => console.log(JSON.stringify(line)),
  });
}
