/**
 * scheduled-change: an AWS Health event (a scheduled change, or an issue) for a service the estate
 * runs on. The owners are told through the environment's alerts topic; the affected resources are
 * listed as AWS names them. A Health event names instances, clusters, tasks or ECS services: each
 * ECS service of the environment's cluster it names is told by its owner, else one notification
 * goes to the topic.
 */
import { clusterName, evidence, type Action, type Runbook } from '../context';

/** AWS Health `service` codes of what cityplan builds on. */
const USED = new Set(['ECS', 'FARGATE', 'EC2', 'ELASTICLOADBALANCING', 'RDS', 'ELASTICACHE', 'ACM', 'VPC', 'NATGATEWAY', 'ROUTE53', 'LAMBDA']);

export const scheduledChange: Runbook = {
  name: 'scheduled-change',
  answers(o) {
    return o.type === 'health' && USED.has(o.awsService.toUpperCase()) ? {} : undefined;
  },
  async plan(o, ctx, _settings, lookups) {
    if (o.type !== 'health') throw new Error('scheduled-change answers AWS Health events only');
    const conditions = { event: o.code, category: o.category, service: o.awsService, starts: o.startTime, affected: o.entities, description: o.description?.slice(0, 500) };
    const subject = `AWS Health: ${o.code} (${o.category})`;
    // ECS service ARNs of this cluster: arn:aws:ecs:<region>:<account>:service/<cluster>/<service>.
    const prefix = `service/${clusterName(ctx)}/`;
    const named = [...new Set(o.entities.flatMap((e) => (e.includes(prefix) ? [e.slice(e.indexOf(prefix) + prefix.length).split('/')[0]!] : [])))];
    const actions: Action[] = [];
    for (const name of named) {
      const settings = await lookups.service(name);
      if (settings) actions.push({ do: 'notify', owner: settings.owner, subject: `${name}: ${subject}`, message: evidence(conditions) });
    }
    if (actions.length === 0) actions.push({ do: 'notify', subject, message: evidence(conditions) });
    return { conditions, actions };
  },
};
