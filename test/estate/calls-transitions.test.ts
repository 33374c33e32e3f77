/**
 * Calls between services through the life of an estate: planned, deployed over what is deployed
 * (test/support/cloudformation.ts), changed and removed.
 */
import { describe, expect, it } from 'vitest';
import { webService, STAGING_ESTATE as STAGING } from '../support/estate-files';
import { EstateHistory } from '../support/history';

const backend = (name: string, extra = '') => `name: ${name}\nkind: backend\nimage: public.ecr.aws/docker/library/python:3.12-alpine\n${extra}`;
const worker = (name: string, extra = '') => `name: ${name}\nkind: worker\nimage: public.ecr.aws/docker/library/python:3.12-alpine\n${extra}`;

const planProblems = (history: EstateHistory, options = {}) => history.problems(options);

describe('calls between services, deployed over the previous plan', () => {
  it('removes a backend only after its caller has stopped opening its security group', async () => {
    // GIVEN a backend and a web service that calls it, deployed
    const history = new EstateHistory({
      'estate.yaml': STAGING,
      'services/search.yaml': backend('search'),
      'services/visits.yaml': webService('visits', 'calls: [search]\n'),
    });
    expect((await history.step()).collisions).toEqual([]);

    // WHEN the backend goes, and the call with it
    history.set('services/search.yaml', undefined).set('services/visits.yaml', webService('visits'));
    const plan = await history.plan();

    // THEN the backend's removal is ordered after the caller's update, and the deploy collides with nothing
    expect(plan.changes.order).toContainEqual(expect.objectContaining({ stack: 'test-staging-search', after: 'test-staging-visits' }));
    expect(history.deploy(plan)).toEqual([]);
  });

  it("refuses a web service's first caller planned alone, and deploys it with the environment", async () => {
    // GIVEN a web service nobody calls, and a worker, deployed
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/portal.yaml': webService('portal'), 'services/notify.yaml': worker('notify') });
    expect((await history.step()).collisions).toEqual([]);

    // WHEN the worker starts calling it, planned alone
    history.set('services/notify.yaml', worker('notify', 'calls: [portal]\n'));
    const problems = await planProblems(history, { service: 'notify' });

    // THEN the plan says the web service must be deployed first (it publishes its group only once called)
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'services/notify.yaml',
        message: expect.stringMatching(/reads \/cityplan\/test\/staging\/service\/portal\/security-group-id, which service portal's stack does not publish yet/),
      }),
    ]);
    // AND planned with the environment it deploys, the web service before its caller
    expect((await history.step()).collisions).toEqual([]);
  });

  it("replaces a caller's rule when the callee's port changes, never duplicating it", async () => {
    const history = new EstateHistory({
      'estate.yaml': STAGING,
      'services/search.yaml': backend('search', 'port: 8080\n'),
      'services/notify.yaml': worker('notify', 'calls: [search]\n'),
    });
    expect((await history.step()).collisions).toEqual([]);
    history.set('services/search.yaml', backend('search', 'port: 9090\n'));
    const { plan, collisions } = await history.step();
    expect(collisions).toEqual([]);
    expect(plan.environments[0]!.services.find((s) => s.name === 'search')).toMatchObject({ urls: ['http://search:9090'], calledBy: ['notify'] });
  });
});
