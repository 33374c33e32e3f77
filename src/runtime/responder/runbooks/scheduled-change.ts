/**
 * scheduled-change: an AWS Health event (a scheduled change, or an issue) for a service the estate
 * runs on. The owners are told through the environment's alerts topic; the affected resources are
 * listed as AWS names them (Health events name instances, clusters or tasks, not cityplan services).
 */
import { evidence, type Runbook } from '../context';

/** AWS Health `service` codes of what cityplan builds on. */
const USED = new Set(['ECS', 'FARGATE', 'EC2', 'ELASTICLOADBALANCING', 'RDS', 'ELASTICACHE', 'ACM', 'VPC', 'NATGATEWAY', 'ROUTE53', 'LAMBDA']);

export const scheduledChange: Runbook = {
  name: 'scheduled-change',
  answers(o) {
    return o.type === 'health' && USED.has(o.awsService.toUpperCase()) ? {} : undefined;
  },
  async plan(o) {
    if (o.type !== 'health') throw new Error('scheduled-change answers AWS Health events only');
    const conditions = { event: o.code, category: o.category, service: o.awsService, starts: o.startTime, affected: o.entities, description: o.description?.slice(0, 500) };
    return { conditions, actions: [{ do: 'notify', subject: `AWS Health: ${o.code} (${o.category})`, message: evidence(conditions) }] };
  },
};
