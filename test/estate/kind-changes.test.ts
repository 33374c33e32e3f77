/**
 * Changes to a deployed service that delete what it holds are said in the plan: a change of kind,
 * and a queue given up (a FIFO switch replaces it), whose messages go with it.
 */
import { describe, expect, it } from 'vitest';
import { STAGING_ESTATE as STAGING } from '../support/estate-files';
import { EstateHistory } from '../support/history';

const worker = (extra = '') => `name: notify\nkind: worker\nimage: a:1\nqueue:\n  visibilityTimeout: 60\n${extra}`;

describe('changes that delete what a deployed service holds', () => {
  it('flag a worker that becomes a job, and its queue going with its messages', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/notify.yaml': worker() });
    const first = await history.step();
    expect(first.collisions).toEqual([]);
    expect(first.plan.changes.flags).toEqual([expect.stringContaining('no cityplan.lock.json')]);

    history.set('services/notify.yaml', 'name: notify\nkind: job\nimage: a:1\nschedule: rate(1 hour)\n');
    const plan = await history.plan();
    expect(plan.changes.flags).toEqual([
      expect.stringContaining('notify (staging) changes from a worker to a job service: the deploy deletes what only a worker has (its ECS service and tasks, task definition, its queue'),
      'notify (staging): the deploy deletes SQS queue test-staging-notify with any messages still in it; let its consumer drain it first',
      'notify (staging): the deploy deletes SQS queue test-staging-notify_dlq with any messages still in it; let its consumer drain it first',
    ]);
  });

  it('flag a queue switched to FIFO, which is replaced', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/notify.yaml': worker() });
    await history.step();
    history.set('services/notify.yaml', worker('  fifo: true\n'));
    const plan = await history.plan();
    expect(plan.changes.flags).toContain('notify (staging): the deploy deletes SQS queue test-staging-notify with any messages still in it; let its consumer drain it first');
    expect(history.deploy(plan)).toEqual([]);
    // Nothing is said of a plan that deletes nothing.
    const again = await history.plan();
    expect(again.changes.flags).toEqual([]);
  });

  it('describe a removed job by what a job holds', async () => {
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/nightly.yaml': 'name: nightly\nkind: job\nimage: a:1\nschedule: rate(1 day)\n' });
    await history.step();
    history.set('services/nightly.yaml', undefined);
    const plan = await history.plan();
    expect(plan.changes.removed[0]!.deletes[0]).toBe('stack test-staging-nightly (its schedule, its state machine and any run still going, task definition and alarms)');
  });
});

describe('a worker planned alone', () => {
  it('is refused while the topic it takes is not in its publisher’s stack yet, and planned with it works', async () => {
    const publisher = (topics: string) => `name: visits\nkind: web\nimage: a:1\npublish: [${topics}]\n`;
    const taker = (topic: string) => `name: notify\nkind: worker\nimage: a:1\nsubscribe:\n  - service: visits\n    topic: ${topic}\n`;
    const history = new EstateHistory({ 'estate.yaml': STAGING, 'services/visits.yaml': publisher('booked'), 'services/notify.yaml': taker('booked') });
    expect((await history.step()).collisions).toEqual([]);
    history.set('services/visits.yaml', publisher('booked, cancelled')).set('services/notify.yaml', taker('cancelled'));
    await expect(history.plan({ service: 'notify' })).rejects.toMatchObject({
      problems: [
        expect.objectContaining({
          file: 'services/notify.yaml',
          field: 'subscribe',
          message: "takes topic cancelled of visits, which visits's stack does not publish yet in staging: plan and deploy staging as a whole, or first service visits",
        }),
      ],
    });
    expect((await history.step()).collisions).toEqual([]);
  });
});
