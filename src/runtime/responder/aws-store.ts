/**
 * The guardrails' state and the audit trail in the environment's DynamoDB table (one table, key
 * `pk`, TTL attribute `expires` in epoch seconds). Every write that guards is conditional, so two
 * concurrent invocations (reserved concurrency allows a few) can never both pass:
 *
 *   event#<id>                  the claim of an event, then its audit record (kept `auditDays`)
 *   cooldown#<subject>#<runbook> `until` (epoch ms) of a running cooldown
 *   hour#<subject>#<hour>        `n`: actions taken on the subject in that clock hour
 *   stops#<service>#<window>     `n`: stopped tasks of a service in one crash-loop window
 */
import type { DynamoDBClient, PutItemCommandInput, UpdateItemCommandInput } from '@aws-sdk/client-dynamodb';
import type { Lazy } from './lazy';
import { hourOf, type AuditRecord, type GuardStore } from './guardrails';

const seconds = (ms: number) => String(Math.ceil(ms / 1000));
const failedCondition = (e: unknown) => (e as { name?: string })?.name === 'ConditionalCheckFailedException';
const dynamodb = () => import('@aws-sdk/client-dynamodb');

export class DynamoGuardStore implements GuardStore {
  /**
   * @param auditDays days an audit record is kept before DynamoDB's TTL deletes it
   */
  constructor(
    private readonly db: Lazy<DynamoDBClient>,
    private readonly table: string,
    private readonly auditDays: number,
  ) {}

  private async put(input: PutItemCommandInput): Promise<boolean> {
    const { PutItemCommand } = await dynamodb();
    return this.conditional(async () => (await this.db()).send(new PutItemCommand(input)));
  }

  private async update(input: UpdateItemCommandInput): Promise<boolean> {
    const { UpdateItemCommand } = await dynamodb();
    return this.conditional(async () => (await this.db()).send(new UpdateItemCommand(input)));
  }

  private async conditional(write: () => Promise<unknown>): Promise<boolean> {
    try {
      await write();
      return true;
    } catch (e) {
      if (failedCondition(e)) return false;
      throw e;
    }
  }

  claim(eventId: string, now: number): Promise<boolean> {
    return this.put({
        TableName: this.table,
        Item: { pk: { S: `event#${eventId}` }, claimedAt: { S: new Date(now).toISOString() }, expires: { N: seconds(now + this.auditDays * 86_400_000) } },
        ConditionExpression: 'attribute_not_exists(pk)',
    });
  }

  coolDown(key: string, minutes: number, now: number): Promise<boolean> {
    const until = now + minutes * 60_000;
    return this.put({
        TableName: this.table,
        Item: { pk: { S: `cooldown#${key}` }, until: { N: String(until) }, expires: { N: seconds(until + 3_600_000) } },
        ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': { N: String(now) } },
    });
  }

  takeActions(subject: string, n: number, cap: number, now: number): Promise<boolean> {
    if (n > cap) return Promise.resolve(false);
    return this.update({
        TableName: this.table,
        Key: { pk: { S: `hour#${subject}#${hourOf(now)}` } },
        UpdateExpression: 'ADD #n :n SET expires = :expires',
        ConditionExpression: 'attribute_not_exists(#n) OR #n <= :room',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':n': { N: String(n) }, ':room': { N: String(cap - n) }, ':expires': { N: seconds(now + 2 * 3_600_000) } },
    });
  }

  /** Counts one stop in the current window of `minutes` and returns the window's count. */
  async countStop(service: string, minutes: number, now: number): Promise<number> {
    const window = Math.floor(now / (minutes * 60_000));
    const { UpdateItemCommand } = await dynamodb();
    const out = await (await this.db()).send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { pk: { S: `stops#${service}#${minutes}#${window}` } },
        UpdateExpression: 'ADD #n :one SET expires = :expires',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':expires': { N: seconds(now + 2 * minutes * 60_000) } },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.n?.N ?? '1');
  }

  async record(audit: AuditRecord): Promise<void> {
    if (!audit.eventId) return;
    // The claim made this item; only the decision of that claim may complete it, once.
    await this.put({
        TableName: this.table,
        Item: {
          pk: { S: `event#${audit.eventId}` },
          runbook: { S: audit.runbook ?? '-' },
          service: { S: audit.service ?? '-' },
          outcome: { S: audit.outcome },
          dryRun: { BOOL: audit.dryRun },
          decision: { S: JSON.stringify(audit) },
          expires: { N: seconds(Date.parse(audit.decidedAt) + this.auditDays * 86_400_000) },
        },
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(outcome)',
    });
  }
}
