/**
 * What the builder worker (builder-worker.ts) does while it waits for its stacks. The first stack a
 * process builds costs about five times the next: aws-cdk-lib loads most of its modules lazily, as a
 * construct or a policy rule first touches one, and V8 compiles each function the first time it
 * runs. Building one web service's stack of a made-up estate pays that before the plan's stacks
 * are known, so that theirs cost what a second build costs.
 */
import { tmpdir } from 'node:os';
import { SERVICE_DEFAULTS } from '../manifest/service-defaults';
import type { EnvironmentSpec, EstateSpec, ServiceSpec } from '../manifest/spec';
import { allocateEstate } from './allocation';
import { emptyLock } from './lock-entries';
import { planStacks } from './stack-plan';
import { acknowledgements, checkPolicy, policyPacks } from '../policy/packs';
import { compileEstate } from './compile';

/** One environment, with the defaults the manifest loader applies (see docs/manifest.md). */
const ENVIRONMENT: EnvironmentSpec = {
  name: 'staging',
  account: '222222222222',
  region: 'eu-west-2',
  domain: 'staging.example.gov.uk',
  zones: 2,
  capacity: 'on-demand',
  egress: 'nat-single',
  approval: false,
  protect: false,
  config: { recorder: false },
  guardduty: false,
  runbooks: { dryRun: false, maxActionsPerHour: 6 },
};

/** A web service with every default, as the loader resolves a file of name, kind, owner and source. */
const SERVICE: ServiceSpec = {
  name: 'warm-up',
  file: 'services/warm-up.yaml',
  kind: 'web',
  owner: 'team@example.gov.uk',
  ...SERVICE_DEFAULTS,
  source: { ...SERVICE_DEFAULTS.source, repo: 'example/warm-up' },
  hostnames: [],
  env: {},
  secrets: [],
  secretsMadeByHand: [],
  deploy: { strategy: 'rolling', bake: 0 },
  calls: [],
  publish: [],
  subscribe: [],
  logs: { alarmOn: [] },
  runbooks: {},
};

const ESTATE: EstateSpec = {
  dir: '.',
  name: 'warm-up',
  owner: 'platform@example.gov.uk',
  region: 'eu-west-2',
  delivery: { account: '111111111111', connectionArn: 'arn:aws:codeconnections:eu-west-2:111111111111:connection/00000000-0000-0000-0000-000000000000' },
  alerts: { email: ['alerts@example.gov.uk'] },
  logs: { opensearch: false },
  environments: [ENVIRONMENT],
  services: new Map([[ENVIRONMENT.name, [SERVICE]]]),
  runbooks: [],
};

/**
 * Builds the made-up service's stack and runs the policy packs over it, a step at a time, and
 * stops before the next step once `stop` says a task waits (what is left, the task's build pays
 * for). Nothing is synthesized, so nothing is written: the app is given the temp folder, which
 * exists, as its output folder, since an app creates its output folder when it is made. Synthesis
 * itself stays cold; it is the smaller part (a plan's two stacks build in about 0.1 s after this,
 * against 0.5 s without it). Never fails: the plan's own build meets any failure again and
 * reports it.
 */
export async function warmUp(stop: () => boolean): Promise<void> {
  try {
    const { environments: allocation } = allocateEstate(ESTATE, emptyLock(ESTATE.name), { today: '2026-01-01' });
    const { app } = compileEstate(ESTATE, allocation, { outdir: tmpdir(), stacks: planStacks(ESTATE, allocation, { service: SERVICE.name }) });
    for (const pack of policyPacks()) {
      // A message that came meanwhile is delivered before setImmediate's callback runs.
      await new Promise((resolve) => setImmediate(resolve));
      if (stop()) return;
      checkPolicy(app, [pack]);
    }
    acknowledgements(app);
  } catch {
    // The plan's build reports it.
  }
}
