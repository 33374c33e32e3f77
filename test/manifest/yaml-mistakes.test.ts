/**
 * YAML mistakes a newcomer makes, and exactly what cityplan tells them: the line and column to
 * change, the field, and a message that says what is wrong and how to fix it, never the parser's
 * grammar. Then anchors, aliases and merge keys, which work, and the file shapes they can break.
 */
import fc from 'fast-check';
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

describe('a value with ": " in it', () => {
  it('must be quoted, and the message shows how', () => {
    expect(theProblem(visits('health: /health: ok\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 9,
      field: 'health',
      message: 'a value containing ": " must be quoted: health: "/health: ok"',
    });
  });

  it('names a nested field, and quotes with single quotes a value that holds double ones', () => {
    expect(theProblem(visits('env:\n  NOTE: Note: this is "it"\n'))).toEqual({
      file: FILE,
      line: 7,
      column: 9,
      field: 'env.NOTE',
      message: `a value containing ": " must be quoted: NOTE: 'Note: this is "it"'`,
    });
  });
});

describe('indentation', () => {
  const rule = 'fields of one map start in the same column (use spaces, 2 per level)';

  it('a key one space too far under its parent is pointed at, under the parent it belongs to', () => {
    expect(theProblem(visits('   branch: main\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 4,
      field: 'source.branch',
      message: `this line is indented differently from the fields beside it ('repo' on line 5); ${rule}`,
    });
  });

  it('the first key of a block indented too far is the one pointed at, not the keys after it', () => {
    expect(theProblem('name: visits\nkind: web\nimage: nginx:1\nenv:\n   LOG_LEVEL: info\n  REGION: eu-west-2\n  TEAM: visits\n')).toEqual({
      file: FILE,
      line: 5,
      column: 4,
      field: 'env.LOG_LEVEL',
      message: `this line is indented differently from the fields beside it ('REGION' on line 6); ${rule}`,
    });
  });

  it('a key one space too little under its parent', () => {
    expect(theProblem(visits(' branch: main\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 2,
      field: 'source.branch',
      message: `this line is indented differently from the fields beside it ('repo' on line 5); ${rule}`,
    });
  });

  it('a top-level key indented by one space', () => {
    expect(theProblem('name: visits\n kind: web\nimage: nginx:1\n')).toEqual({
      file: FILE,
      line: 2,
      column: 2,
      field: 'kind',
      message: `this line is indented differently from the fields beside it ('name' on line 1); ${rule}`,
    });
  });

  it('an indented first line is the one mistake, not every line after it', () => {
    expect(theProblem(` ${visits('port: 80\n')}`)).toEqual({
      file: FILE,
      line: 1,
      column: 2,
      field: 'name',
      message: "this line is indented further than the fields below it ('kind' on line 2); top-level fields start in the first column",
    });
  });

  it('one line indented wrong is one mistake, though the lines below it then seem wrong too', () => {
    const text = visits('environments:\n  production:\n    count:\n\t    min: 3\n      max: 6\n    port: 80\n');
    expect(problemsOf(text)).toEqual([
      { file: FILE, line: 9, column: 1, field: 'environments.production.count.min', message: 'tabs cannot indent YAML; use spaces' },
    ]);
  });

  it('tabs cannot indent', () => {
    expect(theProblem(visits('\tbranch: main\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 1,
      field: 'source.branch',
      message: 'tabs cannot indent YAML; use spaces',
    });
  });

  it('a line among list items that is not one', () => {
    expect(theProblem(visits('secrets:\n  - API_KEY\n  SESSION_SECRET\n'))).toEqual({
      file: FILE,
      line: 8,
      column: 3,
      field: 'secrets',
      message:
        "this line is inside the list above but does not start with '- '; start it with '- ' to add an item, or indent it like the field it belongs beside",
    });
  });

  it('a list started on its field’s line', () => {
    expect(theProblem(visits('secrets: - API_KEY\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 10,
      field: 'secrets',
      message: "a list cannot start on its field's line; put each '- item' on a line of its own below, or write [a, b]",
    });
  });
});

describe('a line that is not name: value', () => {
  it('a missing colon', () => {
    expect(theProblem(visits('port 80\ncpu: 256\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 1,
      field: 'port',
      message: "a field needs ': ' between its name and its value: port: 80",
    });
  });

  it('a missing space after the colon', () => {
    expect(theProblem(visits('port:80\ncpu: 256\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 1,
      field: 'port',
      message: "put a space after ':': port: 80",
    });
  });
});

describe('quotes and brackets', () => {
  it('an unclosed quote is reported where it opens, not at the end of the file', () => {
    expect(theProblem('name: visits\nkind: web\nimage: "nginx:1.27\nport: 8080\nhealth: /ping\n')).toEqual({
      file: FILE,
      line: 3,
      column: 8,
      field: 'image',
      message: 'the quote opened here is never closed; end the value with "',
    });
  });

  it('an unclosed single quote in a nested field', () => {
    expect(theProblem(visits("env:\n  LOG_LEVEL: 'info\n  REGION: eu-west-2\n"))).toEqual({
      file: FILE,
      line: 7,
      column: 14,
      field: 'env.LOG_LEVEL',
      message: "the quote opened here is never closed; end the value with '",
    });
  });

  it('a quote that closes lines later, at the next quote in the file, is pointed at where it opened', () => {
    expect(theProblem('name: visits\nkind: web\nimage: "nginx:1.27\n  port: "8080"\n')).toEqual({
      file: FILE,
      line: 3,
      column: 8,
      field: 'image',
      message: 'the quote opened here runs on to line 4; end the value with " on this line',
    });
  });

  it('an unclosed [ is reported where it opens', () => {
    expect(theProblem(visits('hostnames: [visits.example.gov.uk\nport: 80\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 12,
      field: 'hostnames',
      message: 'the list opened here with [ is never closed; end it with ] on the same line',
    });
  });

  it('text after a closing quote', () => {
    expect(theProblem(visits('health: "/health" ok\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 19,
      field: 'health',
      message: 'there is more after the closing quote; put the whole value inside quotes',
    });
  });

  it('a value that starts with a character YAML reserves', () => {
    expect(theProblem('name: visits\nkind: web\nowner: @visits-team\nimage: nginx:1\n')).toEqual({
      file: FILE,
      line: 3,
      column: 8,
      field: 'owner',
      message: 'a value cannot start with @; quote it: owner: "@visits-team"',
    });
  });
});

describe('duplicate keys', () => {
  it('name the key and the line where it was first set', () => {
    expect(theProblem(visits('memory: 1024\ncpu: 512\nmemory: 2048\n'))).toEqual({
      file: FILE,
      line: 8,
      column: 1,
      field: 'memory',
      message: "duplicate key 'memory': already set on line 6; keep one",
    });
  });

  it('in a nested map, the first setting in the same map', () => {
    const text = visits('count:\n  min: 2\n  max: 4\nenvironments:\n  production:\n    count:\n      min: 3\n      min: 4\n');
    expect(theProblem(text)).toEqual({
      file: FILE,
      line: 13,
      column: 7,
      field: 'environments.production.count.min',
      message: "duplicate key 'min': already set on line 12; keep one",
    });
  });

  it('the same name in different maps is no duplicate', () => {
    expect(problemsOf(visits('count:\n  min: 2\nenvironments:\n  production:\n    count:\n      min: 3\n'))).toEqual([]);
  });
});

describe('one file', () => {
  it('holds one document', () => {
    expect(theProblem(visits('---\nname: other\n'))).toEqual({
      file: FILE,
      line: 6,
      column: 1,
      message: "a file holds one YAML document; remove this '---' and move what follows into a file of its own",
    });
  });

  it('reports each of several mistakes once, each at its own line', () => {
    const text = 'name: visits\nkind: web\nhealth: /a: b\nport: 80\nport: 81\nimage: "nginx\n';
    expect(problemsOf(text).map((p) => `${p.line}:${p.column} ${p.field}`)).toEqual(['3:9 health', '5:1 port', '6:8 image']);
  });

  it('in estate.yaml too', () => {
    const problems = problemsOf(visits(''), MINIMAL_ESTATE.replace('region: eu-west-2', 'region: "eu-west-2'));
    expect(problems).toEqual([
      { file: 'estate.yaml', line: 3, column: 9, field: 'region', message: 'the quote opened here is never closed; end the value with "' },
    ]);
  });
});

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

describe('any corruption of a valid file', () => {
  const valid = `# yaml-language-server: $schema=../.schema/service.schema.json
name: visits
kind: web
owner: "team@example.gov.uk"
source:
  repo: example/visits
  branch: 'main'
health: '/health'
secrets:
  - API_KEY
env: &env
  LOG_LEVEL: "info"
count: {min: 2, max: 4}
environments:
  production:
    env:
      <<: *env
      LOG_LEVEL: warn
    hostnames: [www.visits.example.gov.uk]
`;
  /** The parser's own phrases for the mistakes cityplan explains: none may reach the user. */
  const RAW_PHRASES = [
    'compact mapping',
    'Implicit keys',
    'Implicit map keys',
    'Missing closing',
    'at line',
    'All mapping items',
    'All sequence items',
    'Tabs are not allowed',
    'Map keys must be unique',
    'Plain value cannot start',
    'Unexpected',
    'Flow sequence',
    'Flow map',
    'Sequence item without',
    'Nested mappings',
    'multiple documents',
    'Block scalar',
    'Invalid escape',
    'Not a YAML token',
    'YAML cannot read this (',
  ];

  const corruption = fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(': ', '\t', '"', "'", ' ', '- ', '[', '{') }),
    fc.record({ kind: fc.constant('drop a quote' as const), at: fc.nat() }),
  );

  type Corruption = { kind: 'delete' | 'insert' | 'drop a quote'; at: number; text?: string };

  function corrupt(text: string, c: Corruption): string {
    if (c.kind === 'drop a quote') {
      const quotes = [...text.matchAll(/["']/g)].map((m) => m.index!);
      const at = quotes[c.at % quotes.length]!;
      return text.slice(0, at) + text.slice(at + 1);
    }
    const at = c.at % (text.length + 1);
    return c.kind === 'delete' ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c.text! + text.slice(at);
  }

  it('the valid file loads', () => {
    expect(problemsOf(valid)).toEqual([]);
  });

  it('never throws, and every problem is located and in cityplan’s words', () => {
    fc.assert(
      fc.property(fc.array(corruption, { minLength: 1, maxLength: 3 }), (corruptions) => {
        const text = corruptions.reduce<string>(corrupt, valid);
        for (const p of problemsOf(text)) {
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.column).toBeGreaterThanOrEqual(1);
          for (const phrase of RAW_PHRASES) expect(p.message).not.toContain(phrase);
        }
      }),
      { numRuns: 300 },
    );
  });
});
