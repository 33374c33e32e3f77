/**
 * Worker Service → `worker`: `subscribe.topics` → `subscribe` (service, topic, filter policy) and
 * `subscribe.queue` → `queue` (visibility timeout, FIFO, dead-letter receives).
 */
import { mapCommonFields, mapImage, topicName } from './common';
import { seconds } from './convert';
import { isMap, type LayerDraft, type MapContext, type Raw } from './draft';
import type { LayerInput } from './workload';

/** A subscription before service names are resolved: `service` is the Copilot service's name. */
export interface PendingSubscription {
  readonly copilotService: string;
  readonly topic: string;
  readonly filter?: Record<string, unknown>;
  /** Field path of the entry in the manifest, for reporting. */
  readonly field: string;
}

export function mapWorkerLayer(raw: Raw, out: LayerDraft, input: LayerInput): void {
  const ctx = input.ctx;
  const subscribe = raw.take('subscribe');
  if (isMap(subscribe)) {
    const { topics, queue, ...others } = subscribe;
    if (Array.isArray(topics) && !ctx.override) input.subscriptions.push(...readTopics(topics, ctx));
    else if (Array.isArray(topics)) ctx.findings.add('subscribe.topics', 'a cityplan worker subscribes to the same topics in every environment', 'subscribe in the manifest itself; filter messages in the worker if an environment must ignore some');
    if (isMap(queue)) out.fields.queue = readQueue(queue, ctx, 'subscribe.queue');
    for (const key of Object.keys(others)) ctx.findings.add(`subscribe.${key}`, 'not a subscribe field cityplan knows', 'remove it');
  }
  // Every Copilot worker has a queue; so does every imported one.
  if (!ctx.override && out.fields.queue === undefined) out.fields.queue = {};
  if (isMap(raw.data.image) && raw.data.image.healthcheck !== undefined) {
    ctx.findings.add('image.healthcheck', 'cityplan runs a worker without a container health check: ECS watches that the task keeps running', 'make the process exit when it cannot work, so that ECS replaces the task');
  }
  mapImage(raw, out, { ...ctx, withPort: false, repo: input.repo });
  mapCommonFields(raw, out, { ...ctx, web: false, job: false, movedToSecrets: input.movedToSecrets, deployment: true });
}

function readTopics(topics: unknown[], ctx: MapContext): PendingSubscription[] {
  return topics.flatMap((t, i) => {
    const field = `subscribe.topics[${i}]`;
    if (!isMap(t) || typeof t.name !== 'string' || typeof t.service !== 'string') {
      ctx.findings.add(field, 'a subscription needs name and service', 'give the topic name and the service that publishes it');
      return [];
    }
    const topic = topicName(t.name);
    if (!topic) {
      ctx.findings.add(`${field}.name`, `'${t.name}' makes no cityplan topic name`, 'rename the topic: lower-case letters, digits and hyphens');
      return [];
    }
    if (t.queue !== undefined && t.queue !== false) {
      ctx.findings.add(`${field}.queue`, 'a cityplan worker has one queue, which every subscription feeds', 'split the topic out into a worker of its own if it needs its own queue');
    }
    const filter = isMap(t.filter_policy) ? { filter: t.filter_policy } : {};
    return [{ copilotService: t.service, topic, ...filter, field }];
  });
}

/** `subscribe.queue` → `queue`: timeout → visibilityTimeout (seconds), fifo, dead_letter.tries → maxReceives. */
function readQueue(queue: Record<string, unknown>, ctx: MapContext, at: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(queue)) {
    if (key === 'timeout') {
      const s = seconds(value);
      if (s !== undefined) out.visibilityTimeout = Math.min(43200, Math.round(s));
    } else if (key === 'fifo') {
      if (value === true || isMap(value)) out.fifo = true;
      if (isMap(value) && Object.keys(value).length > 0) {
        ctx.findings.add(`${at}.fifo`, `cityplan makes a FIFO queue with its own settings (${Object.keys(value).join(', ')} not carried over)`, 'check deduplication and throughput suit the worker');
      }
    } else if (key === 'dead_letter' && isMap(value) && typeof value.tries === 'number') {
      out.maxReceives = Math.min(1000, Math.max(1, value.tries));
    } else {
      const why: Record<string, string> = { delay: 'cityplan queues deliver at once', retention: 'cityplan queues keep messages for their own retention period', kms_key: 'cityplan encrypts queues with the environment key' };
      ctx.findings.add(`${at}.${key}`, why[key] ?? 'not a queue field cityplan knows', 'nothing, unless the worker relied on it: raise it with the platform team');
    }
  }
  return out;
}
