/**
 * The links between services: `calls` and `subscribe`, checked across the estate with each
 * problem at the line the user must change.
 */
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { MINIMAL_ESTATE, webService, writeEstate, STAGING_ESTATE as STAGING } from '../support/estate-files';

// One environment, so that each problem is reported once.

const service = (name: string, kind: string, extra = '') => `name: ${name}
kind: ${kind}
image: public.ecr.aws/docker/library/python:3.12-alpine
${kind === 'job' ? 'schedule: rate(1 day)\n' : ''}${extra}`;

/** The problems of an estate of these services (files by name), or [] when it loads. */
function problemsOf(services: Record<string, string>, estate = STAGING): readonly Problem[] {
  const files = Object.fromEntries(Object.entries(services).map(([name, text]) => [`services/${name}.yaml`, text]));
  try {
    loadEstate(writeEstate({ 'estate.yaml': estate, ...files }));
    return [];
  } catch (e) {
    if (e instanceof EstateError) return e.problems;
    throw e;
  }
}

const COMMON = {
  search: service('search', 'backend'),
  portal: webService('portal'),
  queue: service('queue', 'worker'),
  nightly: service('nightly', 'job'),
};

describe('calls', () => {
  it('accepts calls from web, worker and backend services to backend and web services', () => {
    expect(
      problemsOf({
        ...COMMON,
        visits: webService('visits', 'calls: [search, portal]\n'),
        queue: service('queue', 'worker', 'calls: [search]\n'),
        ledger: service('ledger', 'backend', 'calls: [search]\n'),
      }),
    ).toEqual([]);
  });

  it('refuses a service that is not in the estate, with the nearest name', () => {
    expect(problemsOf({ ...COMMON, visits: webService('visits', 'calls: [serch]\n') })).toEqual([
      expect.objectContaining({ file: 'services/visits.yaml', line: 6, field: 'calls', message: 'serch is not a service of this estate; did you mean search?' }),
    ]);
  });

  it('refuses calling a worker or a job, which answer no calls', () => {
    expect(problemsOf({ ...COMMON, visits: webService('visits', 'calls: [queue, nightly]\n') }).map((p) => p.message)).toEqual([
      'queue is a worker service, which answers no calls; only backend and web services can be called',
      'nightly is a job service, which answers no calls; only backend and web services can be called',
    ]);
  });

  it('refuses a service calling itself, and a callee listed twice', () => {
    expect(problemsOf({ ...COMMON, visits: webService('visits', 'calls: [visits, search, search]\n') }).map((p) => p.message)).toEqual([
      'lists the service itself; a service reaches its own tasks without calls',
      'lists search twice',
    ]);
  });

  it('refuses calls from a job, whose standalone tasks Service Connect does not serve', () => {
    expect(problemsOf({ ...COMMON, nightly: service('nightly', 'job', 'calls: [search]\n') })).toEqual([
      expect.objectContaining({ file: 'services/nightly.yaml', line: 5, field: 'calls', message: expect.stringMatching(/^a job cannot call other services: .*Service Connect/) }),
    ]);
  });

  it('ignores calls a job inherits from the estate defaults', () => {
    expect(problemsOf(COMMON, `${STAGING}defaults:\n  calls: [search]\n`).filter((p) => p.file === 'services/nightly.yaml')).toEqual([]);
  });

  it("refuses more callers than the callee's security group has inbound rules for: 60, or 59 beside a web service's load balancer", () => {
    const callers = (n: number, callee: string) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`caller-${i}`, service(`caller-${i}`, 'worker', `calls: [${callee}]\n`)]));
    expect(problemsOf({ ...COMMON, ...callers(60, 'search') })).toEqual([]);
    expect(problemsOf({ ...COMMON, ...callers(61, 'search') })).toEqual([
      expect.objectContaining({ file: 'services/search.yaml', message: expect.stringMatching(/is called by 61 services; .* 60 inbound rules/) }),
    ]);
    expect(problemsOf({ ...COMMON, ...callers(59, 'portal') })).toEqual([]);
    expect(problemsOf({ ...COMMON, ...callers(60, 'portal') })).toEqual([
      expect.objectContaining({ file: 'services/portal.yaml', message: expect.stringMatching(/is called by 60 services; .*one of them its load balancer.*at most 59 callers/) }),
    ]);
  });
});

describe('health: none', () => {
  it("turns off a backend's container health check, and is refused for a web service, whose load balancer needs a path", () => {
    expect(problemsOf({ search: service('search', 'backend', 'health: none\n') })).toEqual([]);
    expect(problemsOf({ portal: webService('portal', 'health: none\n') })).toEqual([
      expect.objectContaining({ file: 'services/portal.yaml', line: 6, field: 'health', message: expect.stringMatching(/^a web service needs a path its load balancer checks/) }),
    ]);
    expect(problemsOf({ search: service('search', 'backend', 'health: off\n') })).toEqual([
      expect.objectContaining({ field: 'health', message: expect.stringMatching(/must be a path starting with \/.*or none/) }),
    ]);
  });
});

describe('subscribe', () => {
  it('refuses subscribe on a service that is not a worker', () => {
    const publisher = webService('portal', 'publish: [case-updated]\n');
    expect(problemsOf({ portal: publisher, search: service('search', 'backend', 'subscribe:\n  - service: portal\n    topic: case-updated\n') })).toEqual([
      expect.objectContaining({ file: 'services/search.yaml', line: 5, field: 'subscribe', message: 'only applies to worker services; this is a backend service' }),
    ]);
  });

  it('refuses a topic its service does not publish, saying what it publishes', () => {
    const subscriber = (topic: string) => service('queue', 'worker', `subscribe:\n  - service: portal\n    topic: ${topic}\n`);
    expect(problemsOf({ portal: webService('portal', 'publish: [case-updated]\n'), queue: subscriber('case-closed') })).toEqual([
      expect.objectContaining({ file: 'services/queue.yaml', field: 'subscribe', message: 'portal publishes no topic case-closed (it publishes case-updated)' }),
    ]);
    expect(problemsOf({ portal: webService('portal'), queue: subscriber('case-closed') })).toEqual([
      expect.objectContaining({ file: 'services/queue.yaml', field: 'subscribe', message: 'portal publishes no topic case-closed; it needs publish: [case-closed]' }),
    ]);
  });

  it('refuses a publisher that is not in the estate', () => {
    expect(problemsOf({ queue: service('queue', 'worker', 'subscribe:\n  - service: portl\n    topic: x\n'), portal: webService('portal') })).toEqual([
      expect.objectContaining({ file: 'services/queue.yaml', field: 'subscribe', message: 'portl is not a service of this estate; did you mean portal?' }),
    ]);
  });
});

describe('links between services, beyond one file', () => {
  const estate = (files: Record<string, string>) => ({ 'estate.yaml': MINIMAL_ESTATE, ...files });
  const load = (files: Record<string, string>) => {
    try {
      loadEstate(writeEstate(estate(files)));
      return [];
    } catch (e) {
      return (e as EstateError).problems.map((p) => `${p.file}:${p.line} ${p.field}: ${p.message}`);
    }
  };

  it('services that call each other are one problem, naming the circle', () => {
    const problems = load({
      'services/visits.yaml': 'name: visits\nkind: web\nimage: a:1\ncalls: [search]\n',
      'services/search.yaml': 'name: search\nkind: backend\nimage: a:1\ncalls: [visits]\n',
    });
    expect(problems).toEqual([expect.stringMatching(/^services\/search.yaml:4 calls: search calls visits calls search: each service's stack is deployed after/)]);
  });

  it('a circle through a topic is found too', () => {
    const problems = load({
      'services/a.yaml': 'name: a\nkind: worker\nimage: a:1\npublish: [x]\nsubscribe:\n  - service: b\n    topic: y\n',
      'services/b.yaml': 'name: b\nkind: worker\nimage: a:1\npublish: [y]\nsubscribe:\n  - service: a\n    topic: x\n',
    });
    expect(problems).toEqual([expect.stringMatching(/^services\/a.yaml:6 subscribe: a takes topics of b takes topics of a:/)]);
  });

  it('a wrong service file is one problem there, not also in the files that name the service', () => {
    const callee = 'name: search\nkind: backnd\nimage: a:1\n';
    const caller = 'name: visits\nkind: web\nimage: a:1\ncalls: [search]\npublish: [booked]\n';
    const worker = 'name: notify\nkind: worker\nimage: a:1\nsubscribe:\n  - service: visits\n    topic: booked\n';
    expect(load({ 'services/search.yaml': callee, 'services/visits.yaml': caller, 'services/notify.yaml': worker })).toEqual([
      expect.stringMatching(/^services\/search.yaml:2 kind: /),
    ]);
    // A bad item in a list drops that item only: the service itself still exists for others.
    const badItem = 'name: visits\nkind: web\nimage: a:1\ncalls: [Search-API]\npublish: [booked]\n';
    expect(load({ 'services/search.yaml': 'name: search\nkind: backend\nimage: a:1\n', 'services/visits.yaml': badItem, 'services/notify.yaml': worker })).toEqual([
      expect.stringMatching(/^services\/visits.yaml:4 calls\[0\]: /),
    ]);
    // A file whose name and service name differ is that file's problem alone.
    expect(load({ 'services/search.yaml': 'name: search\nkind: backend\nimage: a:1\n', 'services/visits.yaml': caller.replace('name: visits', 'name: visit'), 'services/notify.yaml': worker })).toEqual([
      expect.stringMatching(/^services\/visits.yaml:1 name: is 'visit' but the file is visits.yaml/),
    ]);
  });
});
