/**
 * A corpus of broken estates. Each names the file, line and field the user must be pointed to,
 * and words the message must contain.
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/manifest/problems';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { estateProblems } from '../support/problems';

interface Case {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly expected: ReadonlyArray<Pick<Problem, 'file' | 'line'> & { field?: string; message: RegExp }>;
}

const estate = (files: Record<string, string>) => ({ 'estate.yaml': MINIMAL_ESTATE, ...files });

const CASES: Case[] = [
  {
    name: 'unknown field with a near miss',
    files: estate({ 'services/visits.yaml': webService('visits', 'cpus: 512\n') }),
    expected: [{ file: 'services/visits.yaml', line: 6, field: 'cpus', message: /unknown field 'cpus' \(did you mean 'cpu'\?\)/ }],
  },
  {
    name: 'unknown nested field',
    files: estate({ 'services/visits.yaml': webService('visits', 'count:\n  minimum: 2\n') }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'count.minimum', message: /did you mean 'min'/ }],
  },
  {
    name: 'duplicate key',
    files: estate({ 'services/visits.yaml': webService('visits', 'port: 80\nport: 81\n') }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'port', message: /duplicate key 'port': already set on line 6/ }],
  },
  {
    name: 'invalid Fargate size',
    files: estate({ 'services/visits.yaml': webService('visits', 'cpu: 1024\nmemory: 1024\n') }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'memory', message: /not a valid Fargate size with cpu 1024.*2048 to 8192/ }],
  },
  {
    name: 'CPU raised without memory',
    files: estate({ 'services/visits.yaml': webService('visits', 'cpu: 2048\n') }),
    expected: [{ file: 'services/visits.yaml', line: 6, field: 'cpu', message: /512 MiB is not a valid Fargate size with cpu 2048; use memory 4096 to 16384.* \(memory 512 is the built-in default\)$/ }],
  },
  {
    name: 'CPU that Fargate does not offer',
    files: estate({ 'services/visits.yaml': webService('visits', 'cpu: 300\n') }),
    expected: [{ file: 'services/visits.yaml', line: 6, field: 'cpu', message: /must be a Fargate CPU value/ }],
  },
  {
    name: 'min above max',
    files: estate({ 'services/visits.yaml': webService('visits', 'count:\n  min: 5\n  max: 3\n') }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'count.min', message: /min 5 is more than max 3/ }],
  },
  {
    // Every environment overrides the count, so only the file's own values can show the mistake.
    name: 'min above max in the service file, overridden in every environment',
    files: estate({
      'services/visits.yaml': webService('visits', 'count:\n  min: 10\n  max: 1\nenvironments:\n  staging:\n    count: {min: 1, max: 2}\n  production:\n    count: {min: 2, max: 4}\n'),
    }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'count.min', message: /^min 10 is more than max 1$/ }],
  },
  {
    name: 'invalid Fargate size in the service file, overridden in every environment',
    files: estate({
      'services/visits.yaml': webService('visits', 'cpu: 1024\nmemory: 1024\nenvironments:\n  staging:\n    memory: 2048\n  production:\n    memory: 2048\n'),
    }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'memory', message: /not a valid Fargate size with cpu 1024/ }],
  },
  {
    name: 'protected environment with one task, set in an override',
    files: estate({
      'services/visits.yaml': webService('visits', 'environments:\n  production:\n    count:\n      min: 1\n'),
    }),
    expected: [
      { file: 'services/visits.yaml', line: 9, field: 'environments.production.count.min', message: /protect: true, which needs at least 2 tasks/ },
    ],
  },
  {
    name: 'override for an environment that does not exist',
    files: estate({ 'services/visits.yaml': webService('visits', 'environments:\n  prod:\n    port: 80\n') }),
    expected: [{ file: 'services/visits.yaml', line: 7, field: 'environments.prod', message: /'prod' is not in estate.yaml \(staging, production\)/ }],
  },
  {
    name: 'file name differs from service name',
    files: estate({ 'services/visits.yaml': webService('visit') }),
    expected: [{ file: 'services/visits.yaml', line: 1, field: 'name', message: /is 'visit' but the file is visits.yaml/ }],
  },
  {
    name: 'hostname used by two services',
    files: estate({
      'services/visits.yaml': webService('visits', 'environments:\n  production:\n    hostnames: [visits.gov.uk]\n'),
      'services/bookings.yaml': webService('bookings', 'environments:\n  production:\n    hostnames: [visits.gov.uk]\n'),
    }),
    expected: [
      { file: 'services/visits.yaml', line: 8, field: 'environments.production.hostnames[0]', message: /visits.gov.uk is already used by service bookings in environment production/ },
    ],
  },
  {
    name: "hostname that is another service's own name",
    files: estate({
      'services/visits.yaml': webService('visits'),
      'services/bookings.yaml': webService('bookings', 'hostnames: [visits.staging.example.gov.uk]\n'),
    }),
    expected: [{ file: 'services/bookings.yaml', line: 6, field: 'hostnames[0]', message: /already used by service visits in environment staging/ }],
  },
  {
    name: 'one hostname claimed by two environments',
    files: estate({ 'services/visits.yaml': webService('visits', 'hostnames: [visits.gov.uk]\n') }),
    expected: [{ file: 'services/visits.yaml', line: 6, field: 'hostnames', message: /claimed in environments staging and production/ }],
  },
  {
    name: 'both source and image',
    files: estate({ 'services/visits.yaml': webService('visits', 'image: nginx:1\n') }),
    expected: [{ file: 'services/visits.yaml', line: 6, field: 'image', message: /source or image, not both/ }],
  },
  {
    name: 'neither source nor image',
    files: estate({ 'services/visits.yaml': 'name: visits\nkind: web\n' }),
    expected: [{ file: 'services/visits.yaml', line: 1, field: 'name', message: /needs source.repo or image/ }],
  },
  {
    name: 'job without a schedule',
    files: estate({ 'services/nightly.yaml': 'name: nightly\nkind: job\nimage: example/nightly:1\n' }),
    expected: [{ file: 'services/nightly.yaml', line: 2, field: 'kind', message: /a job needs a schedule/ }],
  },
  {
    name: 'web-only field on a worker',
    files: estate({ 'services/notify.yaml': 'name: notify\nkind: worker\nimage: example/notify:1\nport: 80\n' }),
    expected: [{ file: 'services/notify.yaml', line: 4, field: 'port', message: /only applies to web and backend services; this is a worker service/ }],
  },
  {
    name: 'reserved service name',
    files: estate({ 'services/foundation.yaml': webService('foundation') }),
    expected: [{ file: 'services/foundation.yaml', line: 1, field: 'name', message: /reserved/ }],
  },
  {
    name: 'service name too long',
    files: estate({ 'services/a-very-long-service-name-indeed-x.yaml': webService('a-very-long-service-name-indeed-x') }),
    expected: [{ file: 'services/a-very-long-service-name-indeed-x.yaml', line: 1, field: 'name', message: /at most 28 characters/ }],
  },
  {
    name: 'account id as a number',
    files: { 'estate.yaml': MINIMAL_ESTATE.replace('account: "222222222222"', 'account: 222222222222') },
    expected: [{ file: 'estate.yaml', line: 11, field: 'environments.staging.account', message: /12-digit AWS account id, quoted/ }],
  },
  {
    name: 'three zones where the region has two',
    files: { 'estate.yaml': MINIMAL_ESTATE.replace('region: eu-west-2', 'region: us-west-1') },
    expected: [{ file: 'estate.yaml', line: 17, field: 'environments.production.zones', message: /us-west-1 has 2 zones/ }],
  },
  {
    name: 'bad environment name',
    files: { 'estate.yaml': MINIMAL_ESTATE.replace('  staging:', '  Staging_Env:') },
    expected: [{ file: 'estate.yaml', line: 10, field: 'environments.Staging_Env', message: /'Staging_Env' is not valid: .*must start with a letter/ }],
  },
  {
    name: 'missing required estate field',
    files: { 'estate.yaml': MINIMAL_ESTATE.replace(/alerts:\n  email: \[alerts@example.gov.uk\]\n/, '') },
    expected: [{ file: 'estate.yaml', line: 1, field: 'alerts', message: /is required/ }],
  },
  {
    name: 'YAML syntax error: a bracket never closed, reported where it opens',
    files: estate({ 'services/visits.yaml': 'name: visits\nkind: [web\n' }),
    expected: [{ file: 'services/visits.yaml', line: 2, field: 'kind', message: /the list opened here with \[ is never closed/ }],
  },
  {
    name: 'secret also given as plain env',
    files: estate({ 'services/visits.yaml': webService('visits', 'secrets: [API_KEY]\nenv:\n  API_KEY: oops\n') }),
    expected: [{ file: 'services/visits.yaml', line: 8, field: 'env.API_KEY', message: /env or secrets, not both/ }],
  },
];

function problemsOf(files: Record<string, string>): readonly Problem[] {
  const problems = estateProblems(files);
  if (problems.length === 0) throw new Error('the estate loaded without problems');
  return problems;
}

describe('broken estates', () => {
  it.each(CASES)('$name', ({ files, expected }) => {
    const problems = problemsOf(files);
    for (const want of expected) {
      expect(problems).toContainEqual(
        expect.objectContaining({ file: want.file, line: want.line, ...(want.field ? { field: want.field } : {}), message: expect.stringMatching(want.message) }),
      );
    }
  });

  it('still checks the services when estate.yaml has a wrong or missing top-level field', () => {
    const problems = problemsOf({
      'estate.yaml': MINIMAL_ESTATE.replace('region: eu-west-2', 'region: london').replace(/owner: .*\n/, ''),
      'services/visits.yaml': webService('visits', 'memory: 3000\n'),
    });
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual([
      'estate.yaml:1 owner',
      'estate.yaml:2 region',
      'services/visits.yaml:6 memory',
    ]);
  });

  it('judges the service file alone only on values it sets together', () => {
    // A minimum in the file and the maximum per environment is a fair way to write it.
    const problems = estateProblems(
      estate({
        'services/visits.yaml': webService('visits', 'count:\n  min: 6\nenvironments:\n  staging:\n    count: {max: 8}\n  production:\n    count: {max: 10}\n'),
      }),
    );
    expect(problems).toEqual([]);
  });

  it('reports every problem of every file at once, each once', () => {
    const problems = problemsOf(
      estate({
        'services/visits.yaml': webService('visits', 'cpus: 512\ncount:\n  min: 5\n  max: 3\n'),
        'services/bookings.yaml': webService('bookings', 'memory: 3000\n'),
      }),
    );
    expect(problems.map((p) => `${p.file}:${p.line} ${p.field}`)).toEqual([
      'services/bookings.yaml:6 memory',
      'services/visits.yaml:6 cpus',
      'services/visits.yaml:8 count.min',
    ]);
  });
});
