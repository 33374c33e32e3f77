/**
 * out-of-memory: a task stopped because a container ran out of memory. Nothing is changed (a
 * bigger task is a manifest change that goes through review); the owner is told with the evidence
 * and the next valid Fargate size to set as `memory` (and `cpu` where the memory needs more).
 */
import { nextFargateSize } from '../../../manifest/fargate';
import { evidence, type Runbook } from '../context';
import { isOutOfMemory } from './crash-loop';

export const outOfMemory: Runbook = {
  name: 'out-of-memory',
  answers(o) {
    return o.type === 'task-stopped' && o.service && isOutOfMemory(o) ? { service: o.service } : undefined;
  },
  async plan(o, _ctx, settings) {
    const { service, owner } = settings!;
    const cpu = (o.type === 'task-stopped' ? o.cpu : undefined) ?? settings!.cpu;
    const memory = (o.type === 'task-stopped' ? o.memory : undefined) ?? settings!.memory;
    const next = nextFargateSize(cpu, memory);
    const conditions = {
      service,
      task: o.type === 'task-stopped' ? o.taskArn : undefined,
      containers: o.type === 'task-stopped' ? o.containers.filter((c) => c.reason).map((c) => `${c.name}: exit ${c.exitCode ?? '-'}, ${c.reason}`) : undefined,
      size: `cpu ${cpu}, memory ${memory} MiB`,
      nextSize: next ? `cpu ${next.cpu}, memory ${next.memory} MiB` : 'none: already the largest Fargate size',
    };
    const advice = next ? `set memory: ${next.memory}${next.cpu !== cpu ? ` and cpu: ${next.cpu}` : ''} in services/${service}.yaml` : 'the task is at the largest Fargate size';
    return { service, conditions, actions: [{ do: 'notify', owner, subject: `${service}: out of memory; ${advice}`, message: evidence(conditions) }] };
  },
};
