/**
 * The guardrails around every decision, and the order they run in:
 *
 *   1. select: a runbook answers the event, for a service of this environment (else ignored, logged)
 *   2. claim the event id (conditional write): EventBridge delivers at least once, so a second
 *      delivery stops here and nothing is done twice
 *   3. plan: the runbook decides
 *   4. cooldown per service and runbook: within it, the runbook does only what it does while cooling
 *      down (crash-loop escalates; the rest do nothing), so the events its own action causes never
 *      trigger it again
 *   5. hourly cap on changing actions per service
 *   6. act; in dry run only notify and escalate are sent (they change nothing in the estate, and the
 *      log alarms reach people only through them), each marked dry run with what would have been done
 *   7. audit: the decision and outcome, in the table and as one JSON log line
 */
import { isMutating, type Action, type Lookups, type ResponderContext } from './context';
import { eventOf, plan, planned, select, type Decision } from './engine';
import { RESPONDER_AUDIT_MARK } from '../../analytics/responder-line';

/** Where the guardrails keep their state (DynamoDB in the Lambda; memory in replay and tests). */
export interface GuardStore {
  /** Records the event id; false when it was recorded before (a second delivery). */
  claim(eventId: string, now: number): Promise<boolean>;
  /** Starts a cooldown of `minutes` for `key` unless one is running; false when one is. */
  coolDown(key: string, minutes: number, now: number): Promise<boolean>;
  /** Counts `n` actions on `subject` in the current clock hour unless that passes `cap`; false when it would. */
  takeActions(subject: string, n: number, cap: number, now: number): Promise<boolean>;
  /** Writes the audit record of a decision (the claimed event's item). */
  record(audit: AuditRecord): Promise<void>;
}

export type Outcome = 'ignored' | 'duplicate' | 'nothing to do' | 'dry run' | 'done' | 'cooling down' | 'capped' | 'failed';

export interface AuditRecord extends Decision {
  readonly environment: string;
  readonly dryRun: boolean;
  readonly outcome: Outcome;
  /** The actions taken (or, in dry run, that would have been). */
  readonly taken: readonly Action[];
  readonly errors?: readonly string[];
  readonly decidedAt: string;
}

export interface Ports {
  readonly lookups: Lookups;
  readonly store: GuardStore;
  /** Carries out one action; throws when AWS refuses it. */
  readonly act: (action: Action) => Promise<void>;
  /** One structured log line. */
  readonly log: (line: Record<string, unknown>) => void;
}

/** Answers one event within the guardrails. Never throws: failures are audited and logged. */
export async function respond(raw: unknown, ctx: ResponderContext, ports: Ports): Promise<AuditRecord> {
  const base = { environment: `${ctx.estate}/${ctx.environment}`, dryRun: ctx.dryRun, decidedAt: new Date(ctx.now).toISOString() };
  let record: AuditRecord;
  try {
    record = await guarded(raw, ctx, ports, base);
  } catch (e) {
    record = { ...base, conditions: {}, actions: [], whileCoolingDown: [], taken: [], outcome: 'failed', errors: [String((e as Error)?.message ?? e)] };
  }
  for (const line of auditLines(record)) ports.log(line);
  return record;
}

/** The audit line's outcome (issue 11's analytics/responder-line.ts) for each of the responder's. */
const LINE_OUTCOME: Record<Outcome, 'done' | 'dry-run' | 'skipped' | 'failed'> = {
  ignored: 'skipped',
  duplicate: 'skipped',
  'nothing to do': 'skipped',
  'dry run': 'dry-run',
  done: 'done',
  'cooling down': 'done',
  capped: 'done',
  failed: 'failed',
};
/** Action names on audit lines: the runbook's words (`scale-out`, not the API's). */
const LINE_ACTION: Partial<Record<Action['do'], string>> = { scale: 'scale-out' };

/**
 * The JSON log lines of one decision, in the format the log pipeline's queries read
 * (`{"audit":"cityplan.responder","at","service","event","runbook"?,"action"?,"outcome"}`,
 * src/analytics/responder-line.ts): one line per action taken (in dry run, per action decided), or
 * one without `action` when none was. The first line also carries the whole decision (what was
 * seen, why it was ignored or held back, errors); extra fields are allowed by that format.
 */
export function auditLines(r: AuditRecord): Array<Record<string, unknown>> {
  const base = {
    audit: RESPONDER_AUDIT_MARK,
    at: r.decidedAt,
    service: r.service ?? '',
    event: r.event ?? r.detailType ?? 'unreadable',
    ...(r.runbook ? { runbook: r.runbook } : {}),
    outcome: LINE_OUTCOME[r.outcome],
    level: r.outcome === 'failed' ? 'error' : 'info',
    eventId: r.eventId,
    environment: r.environment,
  };
  const detail = {
    decision: r.outcome,
    ...(r.ignored ? { ignored: r.ignored } : {}),
    ...(Object.keys(r.conditions).length ? { conditions: r.conditions } : {}),
    ...(r.errors?.length ? { errors: r.errors } : {}),
  };
  if (r.taken.length === 0) return [{ ...base, ...detail }];
  return r.taken.map((a, i) => ({ ...base, action: LINE_ACTION[a.do] ?? a.do, ...(i === 0 ? detail : {}) }));
}

async function guarded(raw: unknown, ctx: ResponderContext, ports: Ports, base: Pick<AuditRecord, 'environment' | 'dryRun' | 'decidedAt'>): Promise<AuditRecord> {
  const selection = await select(raw, ctx, ports.lookups);
  if ('ignored' in selection) {
    const { id, detailType, event, service, runbook, ignored } = selection;
    return { ...base, eventId: id, detailType, event, service, runbook, ignored, conditions: {}, actions: [], whileCoolingDown: [], taken: [], outcome: 'ignored' };
  }
  const { selected } = selection;
  if (!(await ports.store.claim(selected.observation.id, ctx.now))) {
    const o = selected.observation;
    return { ...base, eventId: o.id, detailType: o.detailType, event: eventOf(o), service: selected.settings?.service, runbook: selected.runbook.name, conditions: {}, actions: [], whileCoolingDown: [], taken: [], outcome: 'duplicate' };
  }
  const decision = planned(selected, await plan(selected, ctx, ports.lookups));
  const done = (outcome: Outcome, taken: readonly Action[], errors?: string[]): AuditRecord => ({ ...base, ...decision, outcome, taken, ...(errors?.length ? { errors } : {}) });
  const finish = async (r: AuditRecord) => {
    await ports.store.record(r);
    return r;
  };
  if (decision.actions.length === 0) return finish(done('nothing to do', []));

  const subject = decision.service ?? String(decision.conditions.resource ?? decision.conditions.certificate ?? decision.conditions.event ?? 'environment');
  const cooldown = Number(decision.cooldown ?? selected.settings?.runbooks[decision.runbook!]?.cooldown ?? 15);
  let actions = decision.actions;
  let outcome: Outcome = 'done';
  if (!(await ports.store.coolDown(`${subject}#${decision.runbook}`, cooldown, ctx.now))) {
    actions = decision.whileCoolingDown;
    outcome = 'cooling down';
  }
  if (ctx.dryRun) {
    const errors: string[] = [];
    const wouldDo = actions.filter(isMutating).map((a) => a.do);
    for (const action of actions.filter((a) => !isMutating(a))) {
      try {
        await ports.act(markDryRun(action, wouldDo));
      } catch (e) {
        errors.push(`${action.do}: ${String((e as Error)?.message ?? e)}`);
      }
    }
    return finish(done(errors.length ? 'failed' : 'dry run', actions, errors));
  }
  const changes = actions.filter(isMutating).length;
  if (changes > 0 && !(await ports.store.takeActions(subject, changes, ctx.maxActionsPerHour, ctx.now))) {
    // Over the cap: nothing changes; the owner still hears why (once per cooldown, as above).
    actions = actions.filter((a) => !isMutating(a));
    outcome = 'capped';
  }
  const taken: Action[] = [];
  const errors: string[] = [];
  for (const action of actions) {
    try {
      await ports.act(action);
      taken.push(action);
    } catch (e) {
      errors.push(`${action.do}: ${String((e as Error)?.message ?? e)}`);
    }
  }
  return finish(done(errors.length ? 'failed' : outcome, taken, errors));
}

/** A notification as sent in dry run: says that nothing was changed and what would have been. */
function markDryRun(action: Action, wouldDo: readonly string[]): Action {
  const note = `dry run: nothing changed${wouldDo.length ? `; would have done ${wouldDo.join(', ')}` : ''}`;
  if (action.do === 'notify') return { ...action, subject: `[dry run] ${action.subject}`, message: `${note}\n${action.message}` };
  if (action.do === 'escalate') return { ...action, title: `[dry run] ${action.title}`, description: `${note}\n${action.description}` };
  return action;
}

/** A GuardStore in memory: for `cityplan runbook replay`, tests and the benchmark. */
export class MemoryGuardStore implements GuardStore {
  readonly events = new Set<string>();
  readonly cooldowns = new Map<string, number>();
  readonly hours = new Map<string, number>();
  readonly records: AuditRecord[] = [];

  async claim(eventId: string): Promise<boolean> {
    if (this.events.has(eventId)) return false;
    this.events.add(eventId);
    return true;
  }
  async coolDown(key: string, minutes: number, now: number): Promise<boolean> {
    if ((this.cooldowns.get(key) ?? 0) > now) return false;
    this.cooldowns.set(key, now + minutes * 60_000);
    return true;
  }
  async takeActions(subject: string, n: number, cap: number, now: number): Promise<boolean> {
    const key = `${subject}#${hourOf(now)}`;
    const count = this.hours.get(key) ?? 0;
    if (count + n > cap) return false;
    this.hours.set(key, count + n);
    return true;
  }
  async record(audit: AuditRecord): Promise<void> {
    this.records.push(audit);
  }
}

/** The clock hour of an instant, as the cap counts it: `2026-11-30T19`. */
export const hourOf = (now: number) => new Date(now).toISOString().slice(0, 13);
