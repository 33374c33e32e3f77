import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StackParameters, StackSelectionStrategy } from '@aws-cdk/toolkit-lib';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { deployEstate } from '../../src/deploy/deploy';
import { readLock } from '../../src/estate/lock';
import { copyExample } from '../support/estate-files';

// GIVEN a toolkit that records what it is asked to do instead of calling AWS, and reports through
// the I/O host as the real one does: a confirmation request per stack, then its result.
const calls = vi.hoisted(() => ({
  directory: '',
  deploy: [] as Array<{ stacks: { patterns: string[] } }>,
  destroy: [] as Array<{ stacks: { patterns: string[] } }>,
  fail: false,
  /** A stack whose deployment starts and then fails (as a stack rolled back would). */
  failing: '',
  /** Stacks that already exist in AWS. */
  existing: new Set<string>(),
  nameServers: 'ns-1.awsdns-01.org,ns-2.awsdns-02.co.uk',
  /**
   * Credentials the toolkit cannot use: it logs why, as SdkProvider does, then fails as it does,
   * saying none were configured whatever the reason.
   */
  credentials: '' as '' | 'none' | 'rejected' | 'expired',
  /** Runs when deploy is called, as the SDK clients the toolkit makes would. */
  onDeploy: undefined as (() => void) | undefined,
  /** How long each deploy takes (ms), and how many ran at once at most. */
  delay: 0,
  inFlight: 0,
  maxInFlight: 0,
}));
vi.mock('@aws-cdk/toolkit-lib', async (original) => {
  const real = await original<typeof import('@aws-cdk/toolkit-lib')>();
  class Toolkit {
    private readonly ioHost: import('@aws-cdk/toolkit-lib').IIoHost;
    constructor(props: { ioHost: import('@aws-cdk/toolkit-lib').IIoHost }) {
      this.ioHost = props.ioHost;
    }
    async fromAssemblyDirectory(directory: string) {
      calls.directory = directory;
      return { directory };
    }
    async deploy(_assembly: unknown, options: { stacks: { patterns: string[] } }) {
      calls.deploy.push(options);
      calls.onDeploy?.();
      calls.inFlight++;
      calls.maxInFlight = Math.max(calls.maxInFlight, calls.inFlight);
      try {
        if (calls.delay) await new Promise((r) => setTimeout(r, calls.delay));
        return await this.deployNow(options);
      } finally {
        calls.inFlight--;
      }
    }
    async deployNow(options: { stacks: { patterns: string[] } }) {
      if (calls.credentials) {
        const said = {
          none: { level: 'debug', message: 'Unable to determine the default AWS account (CredentialsProviderError): Could not load credentials from any providers' },
          rejected: { level: 'debug', message: 'Unable to determine the default AWS account (InvalidClientTokenId): The security token included in the request is invalid.' },
          expired: { level: 'warn', message: 'There are expired AWS credentials in your environment. The CDK app will synth without current account information.' },
        }[calls.credentials];
        await this.ioHost.notify({ ...said, time: new Date(), action: 'deploy' } as never);
        throw new real.AuthenticationError('NoCredentials', 'Need to perform AWS calls for account 222222222222, but no credentials have been configured');
      }
      if (calls.fail) throw new Error('Need to perform AWS calls for account 222222222222, but no credentials have been configured');
      for (const name of options.stacks.patterns) {
        const oldValue = calls.existing.has(name) ? { Type: 'AWS::Logs::LogGroup' } : undefined;
        const ok = await this.ioHost.requestResponse({
          code: 'CDK_TOOLKIT_I5060',
          data: { templateDiffs: { [name]: { resources: { changes: { Logs: { oldValue } } } } } },
          defaultResponse: true,
        } as never);
        if (!ok) throw new Error('Deployment cancelled');
        calls.existing.add(name);
        if (name === calls.failing) throw new Error(`${name} failed: ResourceNotReady`);
        const outputs = name.endsWith('-foundation') ? { NameServers: calls.nameServers } : {};
        await this.ioHost.notify({ code: 'CDK_TOOLKIT_I5900', data: { stackArn: `arn:aws:cloudformation:eu-west-2:222222222222:stack/${name}/x`, outputs } } as never);
      }
      return { stacks: [] };
    }
    async destroy(_assembly: unknown, options: { stacks: { patterns: string[] } }) {
      calls.destroy.push(options);
      for (const name of options.stacks.patterns) await this.ioHost.notify({ code: 'CDK_TOOLKIT_I7900', data: { stackName: name } } as never);
      return { stacks: [] };
    }
  }
  // The real host prints; these tests read what cityplan says, not the toolkit.
  class NonInteractiveIoHost {
    async notify() {}
    async requestResponse(msg: { defaultResponse: unknown }) {
      return msg.defaultResponse;
    }
  }
  return { ...real, Toolkit, NonInteractiveIoHost };
});

async function deploy(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', 'deploy', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}
// The delivery account's record of the last image each service deployed (deploy/last-image.ts):
// every service of the example has one, unless a test says otherwise.
const ssm = mockClient(SSMClient);
const images = { missing: new Set<string>(), none: new Set<string>() };
ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => {
  if (images.missing.has(input.Name)) throw Object.assign(new Error('not found'), { name: 'ParameterNotFound' });
  // A pipeline stack's record before its first successful deploy (delivery/image-record.ts).
  if (images.none.has(input.Name)) return { Parameter: { Name: input.Name, Value: '(none)' } };
  return { Parameter: { Name: input.Name, Value: '3f2a9c1' } };
});
// STS: whoever this shell is, unless a test says its credentials are missing or wrong.
const sts = mockClient(STSClient);
sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
const out = () => join(tmpdir(), `cityplan-deploy-${process.pid}-${Math.random().toString(36).slice(2)}`);
const patterns = () => calls.deploy.map((d) => d.stacks.patterns);

describe('cityplan deploy', () => {
  beforeEach(() => {
    calls.deploy = [];
    calls.destroy = [];
    calls.fail = false;
    calls.failing = '';
    calls.existing = new Set();
    calls.credentials = '';
    calls.onDeploy = undefined;
    images.missing = new Set();
    images.none = new Set();
    calls.delay = 0;
    calls.maxInFlight = 0;
  });

  it('deploys foundations, then certificates, then shards, then services and pipelines, saying how far it is', async () => {
    const dir = copyExample();
    const said: string[] = [];
    const result = await deployEstate(dir, { out: out() }, { say: (t) => said.push(t), resolveNs: async () => calls.nameServers.split(',') });
    expect(result.stopped).toBeUndefined();
    const order = patterns().flat();
    const at = (name: string) => order.indexOf(name);
    const last = (re: RegExp) => Math.max(...order.map((n, i) => (re.test(n) ? i : -1)));
    const first = (re: RegExp) => order.findIndex((n) => re.test(n));
    // Each stack deployed once, on its own, after every stack of the steps before it
    expect(new Set(order).size).toBe(order.length);
    expect(calls.deploy.every((d) => d.stacks.patterns.length === 1)).toBe(true);
    expect(last(/-(foundation|delivery)$/)).toBeLessThan(first(/-certificate$/));
    expect(last(/-certificate$/)).toBeLessThan(first(/-ingress-\d+$/));
    expect(last(/-ingress-\d+$/)).toBeLessThan(at('justice-staging-find-a-court'));
    expect(at('justice-delivery')).toBeLessThan(at('justice-delivery-find-a-court'));
    // A service deploys after the services it calls
    expect(at('justice-staging-prisoner-search-api')).toBeLessThan(at('justice-staging-book-a-prison-visit'));
    // Pipelines last: a new pipeline's first run deploys its service, never during this deploy's services
    expect(last(/^justice-(staging|production)-/)).toBeLessThan(first(/^justice-delivery-/));
    expect(said).toContain('services: 7 stacks, up to 4 at once');
    expect(said).toContain('service pipelines: 7 stacks, up to 4 at once');
    expect(said.some((l) => /^ {2}\[1\/\d+\] justice-delivery: deploying$/.test(l))).toBe(true);
    expect(said.some((l) => /^ {2}\[\d+\/\d+\] justice-delivery-find-a-court: deployed in \d+ s$/.test(l))).toBe(true);
  });

  it('deploys at most --concurrency service stacks at once', async () => {
    const dir = copyExample();
    await deployEstate(dir, { environment: 'staging', out: out() }, { say: () => {}, resolveNs: async () => calls.nameServers.split(',') });
    for (const n of [1, 3]) {
      calls.delay = 20;
      calls.maxInFlight = 0;
      const { code } = await deploy(dir, '--env', 'staging', '--out', out(), '--concurrency', String(n));
      expect(code).toBe(0);
      expect(calls.maxInFlight).toBe(n);
    }
    expect((await deploy(dir, '--concurrency', '0')).code).toBe(2);
  });

  it('deploys an environment with approval: true only when named, and never in the run of the environment before it', async () => {
    const dir = copyExample();
    // WHEN the whole estate is deployed without --env (staging's zone delegated)
    await deployEstate(dir, { environment: 'staging', out: out() }, { say: () => {}, resolveNs: async () => calls.nameServers.split(',') });
    calls.deploy = [];
    const all = await deploy(dir, '--out', out());
    // THEN staging and the delivery stacks are, production (approval: true) is held, with how to deploy it
    expect(all.code).toBe(0);
    expect(patterns().flat().some((s) => s.startsWith('justice-staging-'))).toBe(true);
    expect(patterns().flat()).toContain('justice-delivery');
    expect(patterns().flat().filter((s) => s.startsWith('justice-production-'))).toEqual([]);
    expect(all.stdout).toContain(`production has approval: true: not deployed in this run. Once what this run deployed is verified, deploy it on its own: cityplan deploy ${dir} --env production`);
    // AND named, production is deployed alone
    calls.deploy = [];
    const production = await deploy(dir, '--env', 'production', '--out', out());
    expect(production.code).toBe(0);
    expect(patterns().flat().every((s) => s.startsWith('justice-production-'))).toBe(true);
  });

  it('keeps the image of a stack its pipeline made (never an older one), and skips a service whose pipeline has deployed none yet', async () => {
    const dir = copyExample();
    images.missing.add('/cityplan/justice/delivery/prisoner-search-api/staging/image-tag');
    images.missing.add('/cityplan/justice/delivery/find-a-court/staging/image-tag');
    // send-money-to-prisoners' pipeline has made its stack already: the lock cannot know
    calls.existing.add('justice-staging-send-money-to-prisoners');
    const said: string[] = [];
    const result = await deployEstate(dir, { environment: 'staging', out: out() }, { say: (t) => said.push(t), resolveNs: async () => calls.nameServers.split(',') });
    // prisoner-search-api runs a prebuilt image (image:): it needs no record
    const parameters = new Map(calls.deploy.map((d) => [d.stacks.patterns[0], (d as { parameters?: StackParameters }).parameters]));
    expect(parameters.get('justice-staging-prisoner-search-api')).toEqual(StackParameters.onlyExisting());
    expect(parameters.get('justice-staging-send-money-to-prisoners')).toEqual(StackParameters.onlyExisting());
    expect(parameters.has('justice-staging-find-a-court')).toBe(false);
    expect(said).toContain('  justice-staging-find-a-court: skipped: find-a-court has no image that deployed successfully in staging yet: its pipeline (justice-find-a-court) deploys it once it has built one');
    // Waiting for a pipeline's first image is how a new service starts, not a failed deploy.
    expect(result.stopped).toBeUndefined();
    expect(said).toContainEqual(expect.stringMatching(/^1 stack waits for a service pipeline's first image: justice-staging-find-a-court\. Each pipeline deploys its own service/));
    expect(readLock(dir).lock.environments.staging!.stacks['justice-staging-send-money-to-prisoners']!.deployed).toBe(true);
    expect(readLock(dir).lock.environments.staging!.stacks['justice-staging-find-a-court']!.deployed).toBeUndefined();
  });

  it("takes a pipeline stack's record with no image yet for no record: the new stack is skipped, not taken as the pipeline's", async () => {
    const dir = copyExample();
    images.none.add('/cityplan/justice/delivery/find-a-court/staging/image-tag');
    const said: string[] = [];
    const result = await deployEstate(dir, { environment: 'staging', out: out() }, { say: (t) => said.push(t), resolveNs: async () => calls.nameServers.split(',') });
    expect(patterns().flat()).not.toContain('justice-staging-find-a-court');
    expect(said).toContain('  justice-staging-find-a-court: skipped: find-a-court has no image that deployed successfully in staging yet: its pipeline (justice-find-a-court) deploys it once it has built one');
    expect(result.stopped).toBeUndefined();
  });

  it('deploys exactly the planned stacks from the planned assembly, keeping deployed parameter values', async () => {
    // GIVEN staging deployed once
    const dir = copyExample();
    await deployEstate(dir, { environment: 'staging', out: out() }, { say: () => {}, resolveNs: async () => calls.nameServers.split(',') });
    calls.deploy = [];
    const assembly = join(dir, '..', 'assembly');
    const { code, stdout } = await deploy(dir, '--env', 'staging', '--service', 'find-a-court', '--out', assembly, '--findings');
    expect(code).toBe(0);
    // The plan it prints takes the view flags; staging's bootstrap and delegation are proven by the first deploy.
    expect(stdout).toMatch(/AwsSolutions-ECS2\s+×1\s+1\s+Environment variables/);
    expect(stdout).toContain("images: 1 ECR repository in the delivery account 111111111111, eu-west-2, made by the services' pipeline stacks");
    expect(stdout).not.toContain('bootstrap:');
    expect(stdout).not.toContain('DNS: the foundation');
    expect(calls.directory).toBe(assembly);
    expect(calls.deploy).toEqual([
      {
        stacks: { strategy: StackSelectionStrategy.PATTERN_MUST_MATCH, patterns: ['justice-staging-find-a-court'] },
        parameters: StackParameters.onlyExisting(),
      },
    ]);
    // AND the lock records the stack as deployed
    expect(readLock(dir).lock.environments.staging!.stacks['justice-staging-find-a-court']!.deployed).toBe(true);
  });

  it('will not deploy one service into an environment whose shared stacks were never deployed', async () => {
    const dir = copyExample();
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const { code, stderr } = await deploy(dir, '--env', 'staging', '--service', 'find-a-court', '--out', out());
    expect(code).toBe(1);
    expect(stderr).toContain(
      'find-a-court needs justice-staging-foundation, justice-staging-certificate, justice-staging-ingress-0, which no deploy has created yet: deploy the environment without --service first',
    );
    // AND without --env, its pipeline needs the delivery account's shared stack as well
    const all = await deploy(dir, '--service', 'find-a-court', '--out', out());
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('justice-delivery,');
    expect(calls.deploy).toEqual([]);
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
  });

  it('exits 1 with the toolkit message, and no stack trace, when AWS refuses', async () => {
    calls.fail = true;
    const { code, stderr } = await deploy(copyExample(), '--env', 'staging', '--out', out());
    expect(code).toBe(1);
    expect(stderr).toContain('deploy failed: Need to perform AWS calls for account 222222222222');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('finds out about credentials first: one line, nothing planned, written or deployed', async () => {
    const dir = copyExample();
    const lock = join(dir, 'cityplan.lock.json');
    const before = statSync(lock).mtimeMs;
    const assembly = out();
    try {
      for (const [error, said] of [
        [Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /^cityplan: no AWS credentials were found in this shell: .*cityplan deploy again$/],
        [Object.assign(new Error('getaddrinfo ENOTFOUND sts.eu-west-2.amazonaws.com'), { name: 'Error' }), /^cityplan: the AWS credentials of this shell could not be checked with AWS STS/],
      ] as const) {
        sts.on(GetCallerIdentityCommand).rejects(error);
        const { code, stdout, stderr } = await deploy(dir, '--out', assembly);
        expect(code).toBe(1);
        expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(said)]);
        expect(stderr).not.toMatch(/Synthesis time|Need to perform AWS calls/);
        expect(stdout).toBe('');
      }
      expect(calls.deploy).toEqual([]);
      expect(existsSync(assembly)).toBe(false);
      expect(statSync(lock).mtimeMs).toBe(before);
    } finally {
      sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    }
  });

  it('says a mistyped --env or --service is a usage error before asking about credentials', async () => {
    const dir = copyExample();
    try {
      sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
      const env = await deploy(dir, '--env', 'prodution');
      expect(env.code).toBe(2);
      expect(env.stderr).toContain("no environment 'prodution' in justice; did you mean production?");
      const service = await deploy(dir, '--service', 'find-a-cort');
      expect(service.code).toBe(2);
      expect(service.stderr).toContain("no service 'find-a-cort'");
      expect(calls.deploy).toEqual([]);
    } finally {
      sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    }
  });

  it('leaves the lock file untouched when a deploy does not change its content', async () => {
    const dir = copyExample();
    expect(await deployEstate(dir, { out: out() }, { say: () => {}, resolveNs: async () => calls.nameServers.split(',') })).toMatchObject({ stopped: undefined });
    const lock = join(dir, 'cityplan.lock.json');
    const text = readFileSync(lock, 'utf8');
    const before = statSync(lock).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    expect(await deployEstate(dir, { out: out() }, { say: () => {} })).toMatchObject({ stopped: undefined });
    expect(readFileSync(lock, 'utf8')).toBe(text);
    expect(statSync(lock).mtimeMs).toBe(before);
  });

  it('tells credentials that were not found from credentials that AWS rejected or that expired', async () => {
    // The toolkit's error is the same in all three cases; only its log says which.
    calls.credentials = 'none';
    const none = await deploy(copyExample(), '--env', 'staging', '--out', out());
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no AWS credentials were found in this shell: set them (for example AWS_PROFILE, or aws sso login');
    // One line, as for the other commands
    expect(none.stderr.trim().split('\n')).toHaveLength(1);

    calls.credentials = 'rejected';
    const rejected = await deploy(copyExample(), '--env', 'staging', '--out', out());
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain(
      'deploy failed: AWS rejected the credentials of this shell (InvalidClientTokenId: The security token included in the request is invalid.)',
    );
    expect(rejected.stderr).not.toContain('no credentials have been configured');

    calls.credentials = 'expired';
    const expired = await deploy(copyExample(), '--env', 'staging', '--out', out());
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('deploy failed: the AWS credentials of this shell have expired (ExpiredToken): renew them');
    expect(expired.stderr).not.toMatch(/no AWS credentials were found|\n\s+at /);
  });

  it("does not show the AWS SDK's notice about future Node.js versions, and shows other warnings", async () => {
    // GIVEN the SDK's own check, as every SDK client the toolkit makes runs it, on a Node.js it warns about
    const sdk = await import('@aws-sdk/core');
    sdk.state.warningEmitted = false;
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    calls.onDeploy = () => {
      sdk.emitWarningIfUnsupportedVersion('v20.19.0');
      process.emitWarning('some other warning');
    };
    calls.fail = true;
    try {
      const { code } = await deploy(copyExample(), '--env', 'staging', '--out', out());
      expect(code).toBe(1);
      const said = warnings.mock.calls.map((c) => String(c[0]));
      expect(said).toContain('some other warning');
      expect(said.filter((w) => w.includes('NodeVersionSupportWarning'))).toEqual([]);
    } finally {
      warnings.mockRestore();
    }
  });

  it('deploys nothing when the plan fails', async () => {
    const { code } = await deploy(copyExample(), '--env', 'nowhere');
    expect(code).toBe(2);
    expect(calls.deploy).toEqual([]);
  });

  it('creates a new zone first and stops, showing its name servers, until the parent delegates to it', async () => {
    // GIVEN staging, whose foundation creates its zone, and a parent zone that does not delegate yet
    const dir = copyExample();
    const resolveNs = async (): Promise<string[]> => {
      throw Object.assign(new Error('queryNs ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    const said: string[] = [];
    const first = await deployEstate(dir, { environment: 'staging', out: out(), delegationWait: 0 }, { say: (t) => said.push(t), resolveNs });

    // THEN only the foundation was deployed, the name servers were shown and recorded, and deploy stopped
    expect(patterns()).toEqual([['justice-staging-foundation']]);
    expect(said.join('\n')).toContain('ns-1.awsdns-01.org');
    expect(first.stopped).toMatch(/not delegated to its zone yet.*run cityplan deploy again/);
    expect(readLock(dir).lock.environments.staging!.nameServers).toEqual(['ns-1.awsdns-01.org', 'ns-2.awsdns-02.co.uk']);

    // WHEN the delegation resolves, the next deploy carries on with everything
    calls.deploy = [];
    const second = await deployEstate(dir, { environment: 'staging', out: out(), delegationWait: 0 }, { say: () => {}, resolveNs: async () => ['NS-2.awsdns-02.co.uk.', 'ns-1.awsdns-01.org'] });
    expect(second.stopped).toBeUndefined();
    expect(patterns().flat()).toEqual(expect.arrayContaining(['justice-staging-certificate', 'justice-staging-ingress-0', 'justice-staging-find-a-court']));

    // AND once the certificate is deployed, later deploys do not look at DNS again
    calls.deploy = [];
    const lookups = vi.fn(async () => [] as string[]);
    await deployEstate(dir, { environment: 'staging', out: out() }, { say: () => {}, resolveNs: lookups });
    expect(lookups).not.toHaveBeenCalled();
    expect(patterns().flat().filter((s) => s === 'justice-staging-foundation')).toHaveLength(1);
  });

  it('deletes a removed service after deploying it empty, and forgets it only then; in a protected environment only with --allow-removal', async () => {
    // GIVEN the example deployed (its zones delegated)
    const dir = copyExample();
    const delegated = async () => calls.nameServers.split(',');
    expect((await deployEstate(dir, { out: out() }, { say: () => {}, resolveNs: delegated })).stopped).toBeUndefined();
    expect((await deployEstate(dir, { out: out(), environment: 'production' }, { say: () => {}, resolveNs: delegated })).stopped).toBeUndefined();

    // WHEN find-a-court is removed
    rmSync(join(dir, 'services', 'find-a-court.yaml'));
    calls.deploy = [];

    // THEN production, protected, refuses without --allow-removal, saying what would go and what stays, and writing nothing
    const lockBefore = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const refusedOut = out();
    const refused = await deploy(dir, '--env', 'production', '--out', refusedOut);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('justice-production-find-a-court (production): deletes stack justice-production-find-a-court');
    expect(refused.stderr).toContain('keeps log group /cityplan/justice/production/find-a-court');
    expect(calls.deploy).toEqual([]);
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lockBefore);
    expect(existsSync(refusedOut)).toBe(false);

    // AND staging, unprotected, removes it in a run that holds production back for its approval
    const staging = await deploy(dir, '--out', out());
    expect(staging.code).toBe(0);
    expect(staging.stdout).toContain('production has approval: true: not deployed in this run');
    expect(patterns().flat()).toContain('justice-staging-find-a-court');
    expect(patterns().flat()).not.toContain('justice-production-find-a-court');
    // AND with --allow-removal, the removal is deployed (emptying the stack), then the stack deleted, then forgotten
    const allowed = await deploy(dir, '--env', 'production', '--out', out(), '--allow-removal');
    expect(allowed.code).toBe(0);
    expect(patterns().flat()).toContain('justice-production-find-a-court');
    // (the run without --env also removed its pipeline, keeping its image repository)
    expect(calls.destroy.map((d) => d.stacks.patterns)).toEqual([['justice-staging-find-a-court', 'justice-delivery-find-a-court'], ['justice-production-find-a-court']]);
    expect(readLock(dir).lock.environments.delivery!.stacks['justice-delivery-find-a-court']).toBeUndefined();
    expect(readLock(dir).lock.environments.delivery!.retained).toEqual([
      expect.objectContaining({ claim: 'AWS::ECR::Repository justice/find-a-court', stack: 'justice-delivery-find-a-court', service: 'find-a-court' }),
    ]);
    const lock = readLock(dir).lock;
    expect(lock.environments.production!.services['find-a-court']).toBeUndefined();
    expect(lock.environments.production!.stacks['justice-production-find-a-court']).toBeUndefined();
    expect(lock.environments.production!.retained).toEqual([
      expect.objectContaining({ claim: 'AWS::Logs::LogGroup /cityplan/justice/production/find-a-court', service: 'find-a-court' }),
    ]);
  });

  it('refuses to deploy over a stack that exists in AWS but that no deploy in the lock ever touched (a lost lock)', async () => {
    // GIVEN staging deployed, then its lock lost and planned afresh
    const dir = copyExample();
    const first = await deployEstate(dir, { environment: 'staging', out: out() }, { say: () => {}, resolveNs: async () => calls.nameServers.split(',') });
    expect(first.stopped).toBeUndefined();
    rmSync(join(dir, 'cityplan.lock.json'));
    expect((await main(['node', 'cityplan', 'plan', dir, '--env', 'staging', '--out', out()], { out: () => {}, err: () => {} }))).toBe(0);
    calls.deploy = [];

    // WHEN it is deployed
    const { code, stderr } = await deploy(dir, '--env', 'staging', '--out', out());

    // THEN the first stack found in AWS stops the deploy before anything changes
    expect(code).toBe(1);
    expect(stderr).toContain('justice-staging-foundation already exist in AWS, but the lock has no record of deploying them');
    expect(patterns()).toEqual([['justice-staging-foundation']]);
  });

  it('goes on after a deploy that failed part way: a stack it started is no stranger', async () => {
    const dir = copyExample();
    calls.failing = 'justice-staging-foundation';
    const failed = await deploy(dir, '--env', 'staging', '--out', out());
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('justice-staging-foundation failed: ResourceNotReady');
    expect(readLock(dir).lock.environments.staging!.stacks['justice-staging-foundation']).toMatchObject({ attempted: true });

    calls.failing = '';
    const again = await deployEstate(dir, { environment: 'staging', out: out(), delegationWait: 0 }, { say: () => {}, resolveNs: async () => calls.nameServers.split(',') });
    expect(again.stopped).toBeUndefined();
    expect(readLock(dir).lock.environments.staging!.stacks['justice-staging-foundation']).toEqual(expect.objectContaining({ deployed: true }));
    expect(readLock(dir).lock.environments.staging!.stacks['justice-staging-foundation']!.attempted).toBeUndefined();
  });
});
