/**
 * Containers do not run as root unless acknowledged: `user: root` needs `rootReason` in the
 * manifest, which becomes the policy acknowledgement on the task definition.
 */
import { describe, expect, it } from 'vitest';
import { acknowledgements, checkPolicy } from '../../src/policy/packs';
import { compile } from '../support/compile';
import { STAGING_ESTATE, webService } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const files = (extra: string) => ({ 'estate.yaml': STAGING_ESTATE, 'services/visits.yaml': webService('visits', extra) });
const REASON = 'The vendor image binds port 80 as root and drops to nginx itself; no non-root build exists';

describe('a container that runs as root', () => {
  it.each(['root', '"0"', '"0:0"', 'root:root'])('user: %s without rootReason is refused at the user line, saying what to write', (user) => {
    const problems = estateProblems(files(`user: ${user}\n`));
    expect(problems).toEqual([expect.objectContaining({ file: 'services/visits.yaml', line: 6, field: 'user' })]);
    expect(problems[0]!.message).toContain('rootReason');
    expect(problems[0]!.message).toContain('1000:1000');
  });

  it('with rootReason, plans clean: the task definition carries the acknowledgement with the reason and the file', () => {
    const { app } = compile(files(`user: root\nrootReason: ${REASON}\n`));
    app.synth();
    expect(checkPolicy(app)).toEqual([]);
    const ack = acknowledgements(app).find((a) => a.rule === 'Cityplan-NonRootContainers');
    expect(ack).toMatchObject({ path: expect.stringMatching(/\/Task$/), reason: `services/visits.yaml rootReason: ${REASON}` });
  });

  it('rootReason without root, or too short to be read as a reason, is refused at rootReason', () => {
    expect(estateProblems(files(`rootReason: ${REASON}\n`))).toEqual([expect.objectContaining({ line: 6, field: 'rootReason', message: expect.stringContaining('applies only when user is root') })]);
    expect(estateProblems(files('user: root\nrootReason: needs it\n'))).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'rootReason', message: expect.stringContaining('at least 20 characters') })]));
  });
});
