/**
 * One mistake, one message, in the user's words. A field that failed validation counts as set for
 * every rule that reads it, and no message speaks zod's language.
 */
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';
import { estateProblems } from '../support/problems';

const problemsOf = estateProblems;

const service = (name: string, text: string) => ({ 'estate.yaml': MINIMAL_ESTATE, [`services/${name}.yaml`]: text });
const visits = (extra: string) => service('visits', webService('visits', extra));
const where = (p: Problem) => `${p.file}:${p.line} ${p.field ?? ''}`.trim();

/** zod's own phrasing: none of it may reach a user. */
const LIBRARY_WORDS = /Invalid (input|option|string|element|key)|expected (number|string|array|object|boolean|int)|received|Too (big|small)|[<>]=/;

describe('one mistake, one message', () => {
  it.each([
    ['a misspelt field does not bring in the default it stands for', visits('cpu: 512\nmemroy: 1024\n'), ['services/visits.yaml:7 memroy']],
    ['a memory with a unit', visits('cpu: 512\nmemory: 1GB\n'), ['services/visits.yaml:7 memory']],
    ['an unknown kind', service('visits', 'name: visits\nkind: webapp\nimage: nginx:1\n'), ['services/visits.yaml:2 kind']],
    ['an invalid image on a service that has no source', service('visits', 'name: visits\nkind: web\nimage: "not an image"\n'), ['services/visits.yaml:3 image']],
    ['an empty image', service('visits', 'name: visits\nkind: web\nimage: ""\n'), ['services/visits.yaml:3 image']],
    ['an invalid source.repo', service('visits', 'name: visits\nkind: web\nsource:\n  repo: not a repo\n'), ['services/visits.yaml:4 source.repo']],
    ['an invalid schedule on a job', service('nightly', 'name: nightly\nkind: job\nimage: nightly:1\nschedule: every night\n'), ['services/nightly.yaml:4 schedule']],
    ['a count that is not a map', visits('count: 4\n'), ['services/visits.yaml:6 count']],
    ['a wrong value in a field the kind does not have', visits('schedule: rate(1 hours)\n'), ['services/visits.yaml:6 schedule']],
    ['a wrong nested value in a field the kind does not have', visits('queue:\n  visibilityTimeout: -1\n'), ['services/visits.yaml:7 queue']],
    [
      'a misspelt field in the estate defaults',
      { 'estate.yaml': `${MINIMAL_ESTATE}defaults:\n  cpu: 512\n  memroy: 1024\n`, 'services/visits.yaml': webService('visits') },
      ['estate.yaml:21 defaults.memroy'],
    ],
    [
      'hostnames in the estate defaults',
      { 'estate.yaml': `${MINIMAL_ESTATE}defaults:\n  hostnames: [www.example.gov.uk]\n`, 'services/visits.yaml': webService('visits'), 'services/book.yaml': webService('book') },
      ['estate.yaml:20 defaults.hostnames'],
    ],
    [
      'an invalid value in one environment override',
      visits('cpu: 512\nmemory: 1024\nenvironments:\n  production:\n    memory: lots\n'),
      ['services/visits.yaml:10 environments.production.memory'],
    ],
    ['a branch git refuses (a space)', { 'estate.yaml': MINIMAL_ESTATE.replace(/(connectionArn: .*)\n/, '$1\n  repo: example/estate\n  branch: a b\n'), 'services/visits.yaml': webService('visits') }, ['estate.yaml:8 delivery.branch']],
    ['a service branch git refuses', visits('  branch: feature..x\n'), ['services/visits.yaml:6 source.branch']],
    ['a Dockerfile outside the repository', visits('  dockerfile: ../x\n'), ['services/visits.yaml:6 source.dockerfile']],
    [
      'a connection of another account than the delivery account',
      { 'estate.yaml': MINIMAL_ESTATE.replace('eu-west-2:111111111111:connection', 'us-east-1:999999999999:connection'), 'services/visits.yaml': webService('visits') },
      ['estate.yaml:6 delivery.connectionArn'],
    ],
  ])('%s', (_name, files, expected) => {
    expect(problemsOf(files).map(where)).toEqual(expected);
  });

  it('a value that fails in one environment does not silence the rule in another', () => {
    // memory is wrong only in production; staging's cpu 1024 with memory 512 is a real problem of its own.
    const problems = problemsOf(visits('cpu: 1024\nmemory: 512\nenvironments:\n  production:\n    memory: lots\n'));
    expect(problems.map(where)).toEqual(['services/visits.yaml:7 memory', 'services/visits.yaml:10 environments.production.memory']);
  });
});

describe('messages in the user words, with a right value', () => {
  const message = (files: Record<string, string>) => {
    const problems = problemsOf(files);
    expect(problems).toHaveLength(1);
    return problems[0]!.message;
  };

  it('a branch git refuses, a Dockerfile outside the repository, a connection of another account: why, and a right value', () => {
    expect(message({ 'estate.yaml': MINIMAL_ESTATE.replace(/(connectionArn: .*)\n/, '$1\n  repo: example/estate\n  branch: a b\n'), 'services/visits.yaml': webService('visits') })).toMatch(/git refuses it as a branch name .*such as main/);
    expect(message(visits('  dockerfile: ../x\n'))).toMatch(/^leaves the repository through '\.\.': must be a path inside the service's repository, such as docker\/Dockerfile$/);
    expect(message({ 'estate.yaml': MINIMAL_ESTATE.replace('eu-west-2:111111111111:connection', 'eu-west-2:999999999999:connection'), 'services/visits.yaml': webService('visits') })).toMatch(/^belongs to account 999999999999, but the pipelines live in the delivery account 111111111111/);
  });
  it('a quoted number', () => expect(message(visits('port: "8000"\n'))).toBe('must be a number, not text: port: 8000 (unquoted)'));
  it('a number above the limit', () => expect(message(visits('count:\n  max: 100000\n'))).toBe('100000 is too big: it must be at most 1000, such as max: 1000'));
  it('one secret not in a list', () =>
    expect(message(visits('secrets: DATABASE_PASSWORD\n'))).toBe('must be a list, even of one item: secrets: [DATABASE_PASSWORD]'));
  it('memory with a unit', () => expect(message(visits('cpu: 512\nmemory: 2GB\n'))).toBe('is a number of MiB without a unit: memory: 2048'));
  it('a command with a quoted argument', () =>
    expect(message(visits(`command: 'sh -c "echo hi"'\n`))).toBe('must be a list of the command\'s arguments: command: [sh, "-c", echo hi]'));
  it('a command given as one string', () =>
    expect(message(visits('command: "npm run start"\n'))).toBe("must be a list of the command's arguments: command: [npm, run, start]"));
  it('a near-miss option', () => expect(message(service('visits', 'name: visits\nkind: wokrer\nimage: a:1\n'))).toMatch(/did you mean kind: worker\?/));
  it('a map given as one value', () => expect(message(visits('scale: 60\n'))).toMatch(/such as scale: \{ cpu: 60, requestsPerTarget: 1000 \}/));
  it('yes for a boolean', () => expect(message(visits('bucket:\n  versioned: "yes"\n'))).toMatch(/true or false \(unquoted\).*versioned: true/));

  it('a conflict between the estate defaults and a service names both files', () => {
    const problems = problemsOf({ 'estate.yaml': `${MINIMAL_ESTATE}defaults:\n  memory: 1024\n`, 'services/visits.yaml': webService('visits', 'cpu: 2048\n') });
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'services/visits.yaml',
        line: 6,
        field: 'cpu',
        message: '1024 MiB is not a valid Fargate size with cpu 2048; use memory 4096 to 16384 in steps of 1024 (memory 1024 is set in estate.yaml:20, the estate defaults)',
      }),
    ]);
  });

  /** Fields of a service file with a value of their own type, written as YAML flow. */
  const FIELDS: Array<{ path: string[]; type: 'number' | 'string' | 'boolean' | 'list' | 'map' }> = [
    { path: ['port'], type: 'number' },
    { path: ['memory'], type: 'number' },
    { path: ['count', 'min'], type: 'number' },
    { path: ['scale', 'cpu'], type: 'number' },
    { path: ['alarms', 'latencyP99'], type: 'number' },
    { path: ['health'], type: 'string' },
    { path: ['owner'], type: 'string' },
    { path: ['kind'], type: 'string' },
    { path: ['image'], type: 'string' },
    { path: ['source', 'branch'], type: 'string' },
    { path: ['bucket', 'versioned'], type: 'boolean' },
    { path: ['secrets'], type: 'list' },
    { path: ['hostnames'], type: 'list' },
    { path: ['env'], type: 'map' },
    { path: ['count'], type: 'map' },
  ];
  const printable = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });
  const wrongValue = (type: string) =>
    fc.oneof(
      ...[
        type !== 'string' ? printable.map((s) => JSON.stringify(s)) : undefined,
        type !== 'number' ? fc.integer({ min: -5, max: 100_000 }).map(String) : undefined,
        type !== 'boolean' ? fc.boolean().map(String) : undefined,
        type !== 'list' ? fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }).map((a) => `[${a.join(', ')}]`) : undefined,
        type !== 'map' ? fc.constant('{ a: 1 }') : undefined,
      ].filter((x): x is fc.Arbitrary<string> => x !== undefined),
    );

  it('a value of the wrong type anywhere gives one problem, at its line, without the library words', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FIELDS).chain((f) => fc.tuple(fc.constant(f), wrongValue(f.type))),
        ([field, value]) => {
          const [first, second] = field.path;
          // The service otherwise valid: image set unless the field under test is image or source.
          const base = field.path[0] === 'image' ? 'name: visits\nkind: web\n' : 'name: visits\nkind: web\nsource:\n  repo: example/visits\n';
          // source.branch goes under the source: already there; any other field replaces its line.
          const text =
            first === 'source'
              ? `${base}  ${second}: ${value}\n`
              : base.replace(new RegExp(`^${first}:.*\\n`, 'm'), '') + (second ? `${first}:\n  ${second}: ${value}\n` : `${first}: ${value}\n`);
          const problems = problemsOf(service('visits', text));
          const line = text.split('\n').findIndex((l) => l.trimStart().startsWith(`${second ?? first}:`)) + 1;
          expect(problems, text).toHaveLength(1);
          expect(problems[0]!.line, text).toBe(line);
          // The value the user wrote is echoed back and may hold anything (">="): judge the rest.
          const words = problems[0]!.message.split(JSON.parse(value.startsWith('"') ? value : JSON.stringify(value))).join('');
          expect(words, text).not.toMatch(LIBRARY_WORDS);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('the services folder', () => {
  it('missing, is a problem naming the folder that was probably meant (never every service removed)', () => {
    const dir = writeEstate({ 'estate.yaml': MINIMAL_ESTATE, 'Services/visits.yaml': webService('visits') });
    rmSync(join(dir, 'services'), { recursive: true });
    expect(() => loadEstate(dir)).toThrow(/services\/: not found in .*; rename Services\/ to services\//);
  });

  it('a file in its place, or a service file that cannot be read, is a problem of that file', () => {
    const dir = writeEstate({ 'estate.yaml': MINIMAL_ESTATE });
    rmSync(join(dir, 'services'), { recursive: true });
    writeFileSync(join(dir, 'services'), '');
    expect(() => loadEstate(dir)).toThrow(/services\/: is a file; it must be the folder of service files/);
    const dangling = writeEstate({ 'estate.yaml': MINIMAL_ESTATE });
    symlinkSync(join(dangling, 'nowhere.yaml'), join(dangling, 'services', 'visits.yaml'));
    try {
      loadEstate(dangling);
      expect.unreachable();
    } catch (e) {
      expect((e as EstateError).problems).toEqual([{ file: 'services/visits.yaml', message: expect.stringMatching(/^cannot be read: .*\(ENOENT\); it must be a readable YAML file$/) }]);
    }
  });
});

describe('names AWS or DNS would refuse at deploy time', () => {
  it('two environments with one domain', () => {
    const problems = problemsOf({ 'estate.yaml': MINIMAL_ESTATE.replace('domain: staging.example.gov.uk', 'domain: example.gov.uk'), 'services/visits.yaml': webService('visits') });
    expect(problems.map((p) => `${where(p)}: ${p.message}`)).toEqual([
      "estate.yaml:12 environments.staging.domain: example.gov.uk is environment production's domain too; each environment needs its own, such as staging.example.gov.uk (delegated from production's zone)",
    ]);
  });

  it("a name in another environment's zone delegated from this one's", () => {
    const problems = problemsOf({
      'estate.yaml': MINIMAL_ESTATE,
      'services/visits.yaml': webService('visits', 'environments:\n  production:\n    hostnames: [courts.staging.example.gov.uk]\n'),
      'services/staging.yaml': webService('staging'),
    });
    expect(problems).toEqual([
      expect.objectContaining({ file: 'services/staging.yaml', field: 'name', message: expect.stringContaining("its name in environment production, staging.example.gov.uk, is in environment staging's zone") }),
      expect.objectContaining({ file: 'services/visits.yaml', field: 'environments.production.hostnames[0]', message: expect.stringContaining('give it under environments.staging.hostnames') }),
    ]);
  });

  it('a problem with one host name points at its entry in the list', () => {
    const long = `${'c'.repeat(40)}.${'d'.repeat(24)}.justice.example.org`;
    const problems = problemsOf(visits(`environments:\n  production:\n    hostnames:\n      - ok.example.org\n      - ${long}\n`));
    expect(problems.map(where)).toEqual(['services/visits.yaml:10 environments.production.hostnames[1]']);
  });

  it('a certificate name longer than ACM takes, and platform variable names', () => {
    const long = `${'c'.repeat(40)}.${'d'.repeat(24)}.justice.example.org`;
    const problems = problemsOf(visits(`env:\n  CITYPLAN_SERVICE: mine\nenvironments:\n  production:\n    hostnames: [${long}]\n`));
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('CITYPLAN_SERVICE starts with CITYPLAN_, which cityplan keeps for its own'),
      expect.stringContaining('ACM takes at most 64 characters'),
    ]);
  });
});
