import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planEstate } from '../../src/estate/plan';
import { importCopilot } from '../../src/migrate/copilot/import';
import { writeEstateFolder } from '../../src/migrate/copilot/write';
import { scratchFolders } from '../support/scratch';

const scratchFolder = scratchFolders('cityplan-copilot-plan-');

/**
 * The estate an import writes plans as it is, placeholders and all: offline, with no finding left
 * unacknowledged. Each fixture application is planned once (a plan synthesizes every stack).
 */
describe('an imported Copilot application plans', () => {
  it.each([
    ['simple', { staging: ['hello', 'listener', 'tidy'] }],
    ['visits', { test: ['admin', 'api', 'frontend', 'nightly-report', 'orders-worker', 'search'], prod: ['admin', 'api', 'frontend', 'nightly-report', 'orders-worker', 'search'] }],
    ['legacy', { staging: ['cleanup', 'internal', 'mailer', 'manual', 'weekly', 'www'], production: ['cleanup', 'internal', 'mailer', 'manual', 'weekly', 'www'] }],
  ] as const)('%s', async (app, expected) => {
    const scratch = scratchFolder();
    const dir = join(scratch, app);
    writeEstateFolder(dir, importCopilot(join('test/fixtures/copilot', app)).files);

    const plan = await planEstate(dir, { out: join(scratch, 'cdk.out') });

    expect(Object.fromEntries(plan.environments.map((e) => [e.name, e.services.map((s) => s.name).sort()]))).toEqual(expected);
    expect(plan.findings.unacknowledged).toBe(0);
  }, 120_000);
});
