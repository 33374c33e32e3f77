import { formatProblem } from '../manifest/problems';
import { assessPolicy, type PolicyAssessment } from '../policy/assess';
import type { RuleResult } from '../policy/ncsc';
import type { Output } from './output';
import { table } from './text-table';

/**
 * `cityplan policy <dir> [--json]`: the NCSC Cloud Security Principles, each with the plan-time
 * and run-time checks covering it and the estate's result. Exit 0 when the plan has no
 * unacknowledged finding; 1 when it has (the table is printed, then every finding as a problem).
 */
export function policyCommand(dir: string, flags: { readonly json?: boolean }, io: Output): number {
  const assessment = assessPolicy(dir);
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
    findings: { unacknowledged: a.problems.length, acknowledged: a.acknowledged },
    // The contract's failure shape, present (empty) also when the estate is clean.
    problems: a.problems.map((p) => ({ file: p.file, line: p.line ?? null, column: p.column ?? null, field: p.field ?? null, message: p.message })),
  };
}

const result = (r: RuleResult): string => `${r.rule}${r.unacknowledged > 0 ? ` ✗${r.unacknowledged}` : ''}${r.acknowledged > 0 ? ` (${r.acknowledged} ack)` : ''}`;

function render(a: PolicyAssessment): string {
  const rows = a.principles.map((p) => [`${p.number}. ${p.name}`, p.plan.map(result).join(', ') || '—', p.configRules.join(', ') || '—']);
  const notes = a.principles.filter((p) => p.note).map((p) => `  ${p.number}. ${p.note}`);
  const open = a.problems.length;
  return [
    `estate ${a.estate}: NCSC Cloud Security Principles`,
    '',
    ...table(['principle', 'plan-time rules (✗ unacknowledged findings, ack acknowledged)', 'run-time AWS Config rules (per environment)'], rows),
    '',
    'notes:',
    ...notes,
    '',
    `plan: ${open === 0 ? 'no unacknowledged findings' : `${open} unacknowledged finding${open === 1 ? '' : 's'}`}, ${a.acknowledged} acknowledged with reasons (cityplan plan --findings lists them)`,
  ].join('\n');
}
