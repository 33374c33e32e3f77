/** The acknowledged policy findings of a plan as text, grouped so that large estates stay readable. */
import type { Acknowledgement } from '../policy/packs';
import { table } from './text-table';

/**
 * One row per rule and reason, with how often it is acknowledged and in how many stacks: the same
 * construct acknowledges the same rule in every service stack, so 600 stacks give a few dozen rows,
 * not thousands. Most frequent first.
 */
export function renderAcknowledgements(acknowledgements: readonly Acknowledgement[]): string[] {
  const groups = new Map<string, { rule: string; reason: string; times: number; stacks: Set<string> }>();
  for (const a of acknowledgements) {
    const key = `${a.rule}\u0000${a.reason}`;
    const group = groups.get(key) ?? { rule: a.rule, reason: a.reason, times: 0, stacks: new Set<string>() };
    group.times++;
    group.stacks.add(a.stack);
    groups.set(key, group);
  }
  const rows = [...groups.values()]
    .sort((a, b) => b.times - a.times || a.rule.localeCompare(b.rule) || a.reason.localeCompare(b.reason))
    .map((g) => [g.rule, `×${g.times}`, String(g.stacks.size), g.reason]);
  return table(['RULE', 'TIMES', 'STACKS', 'REASON'], rows);
}
