/**
 * A DynamoDB table in memory for aws-sdk-client-mock, evaluating the conditional writes the
 * responder makes (src/runtime/responder/aws-store.ts) as DynamoDB would: a failed condition throws
 * ConditionalCheckFailedException and writes nothing. Only the expressions the store uses are
 * understood; any other throws, so a change to the store cannot pass unexamined.
 */
import { ConditionalCheckFailedException, DynamoDBClient, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AwsStub } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;

export class FakeTable {
  readonly items = new Map<string, Item>();

  /** Wires the fake into a mocked DynamoDBClient. */
  install(mock: AwsStub<any, any, any>): void {
    mock.on(PutItemCommand).callsFake((input: PutItemCommand['input']) => this.put(input));
    mock.on(UpdateItemCommand).callsFake((input: UpdateItemCommand['input']) => this.update(input));
  }

  private fail(): never {
    throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  }

  put(input: PutItemCommand['input']) {
    const key = input.Item!.pk!.S!;
    const existing = this.items.get(key);
    const values = input.ExpressionAttributeValues ?? {};
    switch (input.ConditionExpression) {
      case undefined:
        break;
      case 'attribute_not_exists(pk)':
        if (existing) this.fail();
        break;
      case 'attribute_not_exists(pk) OR #until <= :now':
        if (existing && Number(existing.until!.N) > Number(values[':now']!.N)) this.fail();
        break;
      case 'attribute_exists(pk) AND attribute_not_exists(outcome)':
        if (!existing || existing.outcome) this.fail();
        break;
      default:
        throw new Error(`FakeTable does not know the condition ${input.ConditionExpression}`);
    }
    this.items.set(key, { ...input.Item! });
    return {};
  }

  update(input: UpdateItemCommand['input']) {
    const key = input.Key!.pk!.S!;
    const existing = this.items.get(key) ?? { pk: { S: key } };
    const values = input.ExpressionAttributeValues ?? {};
    const n = existing.n?.N === undefined ? undefined : Number(existing.n.N);
    if (input.ConditionExpression === 'attribute_not_exists(#n) OR #n <= :room') {
      if (n !== undefined && n > Number(values[':room']!.N)) this.fail();
    } else if (input.ConditionExpression !== undefined) {
      throw new Error(`FakeTable does not know the condition ${input.ConditionExpression}`);
    }
    const add = /^ADD #n (:\w+) SET expires = :expires$/.exec(input.UpdateExpression ?? '');
    if (!add) throw new Error(`FakeTable does not know the update ${input.UpdateExpression}`);
    const updated = { ...existing, n: { N: String((n ?? 0) + Number(values[add[1]!]!.N)) }, expires: values[':expires']! };
    this.items.set(key, updated);
    return input.ReturnValues === 'UPDATED_NEW' ? { Attributes: { n: updated.n, expires: updated.expires } } : {};
  }

  /** The audit records written, parsed. */
  audits(): Array<Record<string, any>> {
    return [...this.items.values()].filter((i) => i.decision?.S).map((i) => JSON.parse(i.decision!.S!));
  }
}

export { DynamoDBClient };
