/**
 * Anchors, aliases and merge keys, which work, and the mistakes made with them: exactly what
 * cityplan tells the user, at which line and column.
 */
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

const FILE = 'services/visits.yaml';

/** The problems of an estate whose only service is `services/visits.yaml` with `text`. */
function problemsOf(text: string, estate = MINIMAL_ESTATE): readonly Problem[] {
  try {
    loadEstate(writeEstate({ 'estate.yaml': estate, [FILE]: text }));
  } catch (e) {
    if (e instanceof EstateError) return e.problems;
    throw e;
  }
  return [];
}

/** The one problem a file has; a mistake is reported once. */
function theProblem(text: string): Problem {
  const problems = problemsOf(text);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

/** `webService('visits')` is five lines: name, kind, owner, source:, repo. Extra lines start at 6. */
const visits = (extra: string) => webService('visits', extra);

describe('anchors, aliases and merge keys', () => {
  const withAnchors = `name: visits
kind: web
owner: team@example.gov.uk
source:
  repo: example/visits
env: &common
  LOG_LEVEL: info
  REGION: eu-west-2
environments:
  staging:
    count: *production-count
  production:
    count: &production-count
      min: 3
      max: 6
    env:
      <<: *common
      LOG_LEVEL: warn
`;

  it('an alias before its anchor names no anchor', () => {
    expect(theProblem(withAnchors)).toEqual({
      file: FILE,
      line: 11,
      column: 12,
      field: 'environments.staging.count',
      message: '*production-count names no anchor; set &production-count on a value above it, then use *production-count',
    });
  });

  it('work: an alias repeats a value, a merge key merges a map under fields of its own', () => {
    const ordered = withAnchors.replace(/  staging:\n    count: \*production-count\n/, '').replace(/(      LOG_LEVEL: warn\n)$/, '$1  staging:\n    count: *production-count\n');
    const spec = loadEstate(writeEstate({ 'estate.yaml': MINIMAL_ESTATE, [FILE]: ordered }));
    const [staging] = spec.services.get('staging')!;
    const [production] = spec.services.get('production')!;
    expect(staging!.count).toEqual({ min: 3, max: 6 });
    expect(staging!.env).toEqual({ LOG_LEVEL: 'info', REGION: 'eu-west-2' });
    expect(production!.env).toEqual({ LOG_LEVEL: 'warn', REGION: 'eu-west-2' });
  });

  it('a problem with a merged value is reported at the merge key that brought it', () => {
    const text = visits('count: &base\n  min: 1\n  max: 4\nenvironments:\n  production:\n    count:\n      <<: *base\n      max: 6\n');
    expect(problemsOf(text)).toContainEqual({
      file: FILE,
      line: 12,
      column: 11,
      field: 'environments.production.count.min',
      message: 'is 1, but environment production has protect: true, which needs at least 2 tasks',
    });
  });

  it('a value set beside a merge key is reported at its own line', () => {
    const text = visits('count: &base\n  min: 2\n  max: 4\nenvironments:\n  production:\n    count:\n      <<: *base\n      min: 1\n');
    expect(problemsOf(text)).toContainEqual(expect.objectContaining({ line: 13, column: 12, field: 'environments.production.count.min' }));
  });

  it('a problem with an aliased value is reported at the alias', () => {
    const text = visits('count: &one\n  min: 1\n  max: 4\nenvironments:\n  production:\n    count: *one\n');
    expect(problemsOf(text)).toContainEqual({
      file: FILE,
      line: 11,
      column: 12,
      field: 'environments.production.count.min',
      message: 'is 1, but environment production has protect: true, which needs at least 2 tasks',
    });
  });

  it('a merge key needs a map', () => {
    expect(theProblem(visits('secrets: &names [API_KEY]\nenv:\n  <<: *names\n'))).toEqual({
      file: FILE,
      line: 8,
      column: 7,
      field: 'env.<<',
      message: '<< merges the fields of a map into this one; give it an alias of a map (<<: *defaults) or a list of them (<<: [*a, *b])',
    });
  });

  it('an alias inside the value its anchor names is refused, not followed forever', () => {
    expect(theProblem(visits('env: &env\n  SELF: *env\n'))).toEqual({
      file: FILE,
      line: 7,
      column: 9,
      field: 'env.SELF',
      message: '*env is inside the value that &env names, so that value would hold itself; use the alias after it',
    });
  });

  it('aliases that multiply (a "billion laughs") are refused before they are expanded', () => {
    const tens = (alias: string) => `[${Array(10).fill(alias).join(', ')}]`;
    const bomb = visits(`secrets: &a ${tens('A')}\nhostnames: &b ${tens('*a')}\nenv: &c {X: ${tens('*b')}}\nalarms: ${tens('*c')}\n`);
    expect(theProblem(bomb)).toEqual({
      file: FILE,
      line: 8,
      column: 14,
      field: 'env.X[0]',
      message:
        'aliases of *b expand to more than 100 copied values; an anchored value that holds aliases itself multiplies every time it is used, so write the values out instead',
    });
  });
});
