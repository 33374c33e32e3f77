import { EstateError, formatProblem } from '../manifest/problems';
import { assessPolicy, type PolicyAssessment } from '../policy/assess';
import type { RuleResult } from '../policy/ncsc';
import type { Output } from './output';

/**
 * `cityplan policy <dir> [--json]`: the NCSC Cloud Security Principles, each with the plan-time
 * and run-time checks covering it and the estate's result. Exit 0 when the plan has no
 * unacknowledged finding; 1 when it has (the table is printed, then every finding as a problem).
 */
export function policyCommand(dir: string, flags: { readonly json?: boolean }, io: Output): number {
  let assessment: PolicyAssessment;
  try {
    assessment = assessPolicy(dir);
  } catch (e) {
    // The table comes from a plan, and an estate that does not validate cannot be planned.
    if (e instanceof EstateError) throw new EstateError(e.problems, 'the estate (the policy table needs a valid estate to plan, so none is shown until these are fixed)');
    throw e;
  }
  io.out(flags.json ? JSON.stringify(toJson(assessment), null, 2) : render(assessment));
  const n = assessment.problems.length;
  if (n === 0) return 0;
  io.err(`cityplan: the estate has ${n} unacknowledged policy finding${n === 1 ? '' : 's'}:\n${assessment.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
  return 1;
}

function toJson(a: PolicyAssessment) {
  return {
    estate: a.estate,
    principles: a.principles.map((p) => ({ number: p.number, name: p.name, plan: p.plan, config: p.configRules, note: p.note ?? null })),
    environments: a.environments,
    findings: { unacknowledged: a.problems.length, acknowledged: a.acknowledged },
    // The contract's failure shape, present (empty) also when the estate is clean.
    problems: a.problems.map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, field: p.field ?? null, message: p.message })),
  };
}

const result = (r: RuleResult): string => `${r.rule}${r.unacknowledged > 0 ? ` ✗${r.unacknowledged}` : ''}${r.acknowledged > 0 ? ` (${r.acknowledged} ack)` : ''}`;

/** Columns the readable table wraps at: a terminal's 100, not one line per principle of 500. */
const WIDTH = 100;

/** `items` joined with `separator` (', ' or ' ') into lines of at most WIDTH characters, the first after `label`, the rest indented under it. */
function wrapped(label: string, items: readonly string[], separator = ','): string[] {
  const indent = ' '.repeat(label.length);
  const lines: string[] = [];
  let line = label;
  for (const [i, item] of items.entries()) {
    const piece = `${item}${i < items.length - 1 ? separator.trim() : ''}`;
    if (line.length > label.length && line.length + 1 + piece.length > WIDTH) {
      lines.push(line);
      line = `${indent}${piece}`;
    } else line = line.length > label.length ? `${line} ${piece}` : `${line}${piece}`;
  }
  lines.push(items.length === 0 ? `${label}—` : line);
  return lines;
}

function render(a: PolicyAssessment): string {
  const open = a.problems.length;
  const blocks = a.principles.flatMap((p) => [
    `${p.number}. ${p.name}`,
    ...wrapped('   plan:   ', p.plan.map(result)),
    ...wrapped('   config: ', p.configRules),
    ...(p.note ? wrapped('   note:   ', p.note.split(' '), ' ') : []),
  ]);
  const services = a.environments.flatMap((e) => [
    `  ${e.name}:`,
    `    Config recorder: ${e.configRecorder ? 'created by cityplan (config.recorder: true)' : "the account's own (config.recorder: false)"}`,
    `    GuardDuty: ${e.guardduty ? 'enabled by cityplan (guardduty: true)' : "the account's own (guardduty: false)"}`,
  ]);
  return [
    `estate ${a.estate}: NCSC Cloud Security Principles`,
    'plan: the plan-time rules (✗n: unacknowledged findings; (n ack): acknowledged with reasons)',
    'config: the AWS Config rules that run in each environment',
    '',
    ...blocks,
    '',
    'run-time services the config rules and the responder rely on, per environment:',
    ...services,
    '',
    `plan: ${open === 0 ? 'no unacknowledged findings' : `${open} unacknowledged finding${open === 1 ? '' : 's'}`}, ${a.acknowledged} acknowledged with reasons (plan --findings lists them)`,
  ].join('\n');
}
