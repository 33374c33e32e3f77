/**
 * A service's bucket and cache through the life of an estate: added to a deployed service, removed
 * from it, and gone with the service, deployed over what is deployed (test/support/cloudformation.ts).
 */
import { describe, expect, it } from 'vitest';
import { MINIMAL_ESTATE, webService } from '../support/estate-files';
import { EstateHistory } from '../support/history';

const worker = (name: string, extra = '') => `name: ${name}\nkind: worker\nimage: public.ecr.aws/docker/library/python:3.12-alpine\n${extra}`;
const types = (history: EstateHistory, stack: string) => Object.values(history.world.stacks.get(stack)?.template.Resources ?? {}).map((r) => r.Type);

describe('bucket and cache, deployed over the previous plan', () => {
  it('adds and removes each addon on a deployed service without a collision', async () => {
    // GIVEN a web service and a worker, deployed in both environments
    const history = new EstateHistory({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits'), 'services/notify.yaml': worker('notify') });
    expect((await history.step()).collisions).toEqual([]);

    // WHEN each gets a bucket and a cache
    history.set('services/visits.yaml', webService('visits', 'bucket:\n  versioned: true\ncache: {}\n')).set('services/notify.yaml', worker('notify', 'bucket: {}\ncache:\n  maxMemory: 2\n'));
    const added = await history.step();

    // THEN they deploy beside what is there
    expect(added.collisions).toEqual([]);
    expect(types(history, 'test-production-visits')).toEqual(expect.arrayContaining(['AWS::S3::Bucket', 'AWS::ElastiCache::ServerlessCache']));

    // WHEN both addons go again
    history.set('services/visits.yaml', webService('visits')).set('services/notify.yaml', worker('notify'));
    const removed = await history.step();

    // THEN nothing collides, and the stacks hold neither
    expect(removed.collisions).toEqual([]);
    expect(types(history, 'test-production-visits')).not.toContain('AWS::ElastiCache::ServerlessCache');
    expect(types(history, 'test-production-visits')).not.toContain('AWS::S3::Bucket');

    // AND a cache added back takes its name again without clashing with the one deleted before
    history.set('services/visits.yaml', webService('visits', 'cache: {}\n'));
    expect((await history.step()).collisions).toEqual([]);
  });

  it('lists the cache among what removing the service deletes', async () => {
    // GIVEN a worker with a bucket and a cache, deployed
    const history = new EstateHistory({ 'estate.yaml': MINIMAL_ESTATE, 'services/visits.yaml': webService('visits'), 'services/notify.yaml': worker('notify', 'bucket: {}\ncache: {}\n') });
    expect((await history.step()).collisions).toEqual([]);

    // WHEN the worker goes
    history.set('services/notify.yaml', undefined);
    const plan = await history.plan();

    // THEN its removal says the cache goes, and what happens to the bucket
    const staging = plan.changes.removed.find((r) => r.stack === 'test-staging-notify')!;
    expect(staging.deletes).toContainEqual(expect.stringMatching(/test-staging-notify/));
    expect(staging.deletes.join('\n')).toMatch(/serverless cache test-staging-notify|ElastiCache.*test-staging-notify/i);
    expect(staging.deletes).toContain('any bucket of its own if it is empty (a bucket with objects in it stops the deletion until someone empties it)');
    const production = plan.changes.removed.find((r) => r.stack === 'test-production-notify')!;
    expect(production.keeps).toContain('any bucket of its own, with its objects');
    expect(production.deletes.join('\n')).not.toMatch(/bucket/);
    expect(history.deploy(plan)).toEqual([]);
  });
});
