/**
 * Scheduled Job → `job`: `on.schedule` → `schedule` (converted to EventBridge syntax and checked),
 * `timeout` → `timeout` (minutes, rounded up); `retries` is reported.
 */
import { mapCommonFields, mapImage } from './common';
import { convertSchedule, seconds } from './convert';
import { isMap, type LayerDraft, type Raw } from './draft';
import type { LayerInput } from './workload';

export function mapJobLayer(raw: Raw, out: LayerDraft, input: LayerInput): void {
  const ctx = input.ctx;
  const on = raw.take('on');
  const schedule = isMap(on) ? on.schedule : undefined;
  if (typeof schedule === 'string') {
    const converted = convertSchedule(schedule);
    out.fields.schedule = converted.expression;
    if (converted.note) {
      ctx.findings.add('on.schedule', converted.note, converted.placeholder ? 'set schedule: to when the job should run' : 'check the new schedule');
      if (converted.placeholder) out.todos.set('schedule', converted.note);
    }
  } else if (!ctx.override) {
    out.fields.schedule = convertSchedule('none').expression;
    out.todos.set('schedule', 'the Copilot job had no schedule');
    ctx.findings.add('on.schedule', 'the job has no schedule', 'set schedule: to when the job should run');
  }
  const timeout = raw.take('timeout');
  if (timeout !== undefined) {
    const s = seconds(timeout);
    if (s === undefined) ctx.findings.add('timeout', `'${String(timeout)}' is not a duration`, 'set timeout: in minutes');
    else {
      const minutes = Math.min(1440, Math.max(1, Math.ceil(s / 60)));
      out.fields.timeout = minutes;
      if (minutes * 60 !== s) ctx.findings.add('timeout', `${String(timeout)} is not a whole number of minutes from 1 to 1440 (cityplan's unit); set to ${minutes} minute${minutes === 1 ? "" : "s"}`, 'check the new timeout');
    }
  }
  if (raw.take('retries') !== undefined) {
    ctx.findings.add('retries', 'cityplan runs a job once per schedule and raises an alarm when a run fails; it does not retry', 'make the job safe to run again and let the next run catch up, or retry inside the job');
  }
  if (isMap(raw.data.image) && raw.data.image.healthcheck !== undefined) {
    ctx.findings.add('image.healthcheck', 'cityplan runs a job without a container health check: ECS watches that the task keeps running', 'make the process exit when it cannot work, so that ECS replaces the task');
  }
  mapImage(raw, out, { ...ctx, withPort: false, repo: input.repo });
  mapCommonFields(raw, out, { ...ctx, web: false, job: true, movedToSecrets: input.movedToSecrets, deployment: false });
}
