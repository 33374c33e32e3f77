import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadEstate } from '../../src/manifest/load';
import { importCopilot, type ImportResult } from '../../src/migrate/copilot/import';
import { writeEstateFolder } from '../../src/migrate/copilot/write';
import { scratchFolders } from '../support/scratch';

const scratch = scratchFolders('cityplan-copilot-');

const FIXTURES = 'test/fixtures/copilot';

/** Imports a fixture application into a new folder; the result, the folder, and a reader of its YAML files. */
function imported(app: string) {
  const result = importCopilot(join(FIXTURES, app));
  const dir = join(scratch(), app);
  writeEstateFolder(dir, result.files);
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return { result, dir, read, yaml: (file: string) => parse(read(file)) as Record<string, any> };
}

/** The unmapped entries of one file and field. */
const unmappedAt = (result: ImportResult, file: string, field: string) => result.unmapped.filter((u) => u.file === file && u.field === field);

describe('import copilot: the visits application (every workload type, addons, overrides, a pipeline)', () => {
  const { result, dir, read, yaml } = imported('visits');

  it('writes an estate that validates, with one service file per container workload', () => {
    const spec = loadEstate(dir);
    expect(spec.name).toBe('visits');
    expect(spec.environments.map((e) => e.name)).toEqual(['test', 'prod']);
    expect(result.services.map((s) => [s.name, s.kind])).toEqual([
      ['admin', 'backend'],
      ['api', 'backend'],
      ['frontend', 'web'],
      ['nightly-report', 'job'],
      ['orders-worker', 'worker'],
      ['search', 'web'],
    ]);
    expect([...result.files.keys()].sort()).toEqual(['.gitignore', 'IMPORT.md', 'estate.yaml', ...result.services.map((s) => s.file)].sort());
    // The same .gitignore init writes: plan's output stays out of the repository.
    expect(read('.gitignore')).toContain('cdk.out/');
  });

  it('writes estate.yaml from the environments and the pipeline, with marked placeholders for what Copilot kept elsewhere', () => {
    const estate = yaml('estate.yaml');
    expect(estate.environments.test).toEqual({ account: '222222222222', domain: 'test.visits.example.gov.uk' });
    // prod: three subnets per tier in its manifest, and approval before it in the pipeline, so protected.
    expect(estate.environments.prod).toEqual({ account: '333333333333', domain: 'prod.visits.example.gov.uk', zones: 3, approval: true, protect: true });
    const text = read('estate.yaml');
    for (const line of ['owner:', 'region:', 'account: "111111111111"', 'connectionArn:', 'account: "222222222222"', 'domain: test.visits']) {
      expect(text.split('\n').find((l) => l.includes(line))).toContain('# TODO(import):');
    }
    expect(text).toContain('connection visits-github the Copilot pipeline used');
  });

  it('maps the Load Balanced Web Service field by field, with its environment overrides', () => {
    const frontend = yaml('services/frontend.yaml');
    expect(frontend).toMatchObject({
      name: 'frontend',
      kind: 'web',
      source: { repo: 'ministryofjustice/visits', branch: 'main', dockerfile: 'frontend/Dockerfile' },
      port: 8080,
      health: '/_healthcheck',
      healthGrace: 90,
      cpu: 512,
      memory: 1024,
      count: { min: 2, max: 10 },
      scale: { cpu: 70, requestsPerTarget: 30 },
      command: ['npm', 'run', 'start', '--', '--port', '8080'],
      // ${COPILOT_ENVIRONMENT_NAME} makes one value per environment (below); another ${VAR} is kept and reported.
      env: { LOG_LEVEL: 'info', FEATURE_BOOKING: 'true', RELEASE: '${GIT_SHA}' },
      // A credential written into the manifest's variables goes to secrets, never into env.
      secrets: ['DB_PASSWORD', 'SESSION_SECRET', 'STRIPE_API_KEY'],
      publish: ['visit-booked', 'visit-cancelled'],
      cache: {},
    });
    expect(frontend.env.STRIPE_API_KEY).toBeUndefined();
    expect(read('services/frontend.yaml')).not.toContain('sk_live');
    expect(frontend.hostnames).toBeUndefined();
    expect(frontend.environments).toEqual({
      // cpu 1024 with 1024 MiB is no Fargate size: the nearest with at least as much of both.
      test: { cpu: 1024, memory: 2048, count: { min: 1, max: 1 }, env: { LOG_LEVEL: 'debug', API_URL: 'https://api.test.visits.internal' } },
      // aliases as a list of maps; the manifest's own alias is replaced here, as Copilot replaced it.
      prod: { count: { min: 3, max: 12 }, hostnames: ['visits.service.gov.uk', 'www.visits.service.gov.uk'], env: { API_URL: 'https://api.prod.visits.internal' } },
    });
    expect(unmappedAt(result, 'copilot/frontend/manifest.yml', 'variables.RELEASE')[0]!.why).toContain('${GIT_SHA} was filled in by Copilot');
  });

  it('maps the Backend Service with its container health check and its addons', () => {
    expect(yaml('services/api.yaml')).toEqual({
      name: 'api',
      kind: 'backend',
      owner: 'api-team@example.gov.uk',
      image: 'public.ecr.aws/docker/library/alpine:3.20',
      port: 8080,
      health: '/ping',
      cpu: 256,
      memory: 512,
      count: { min: 1, max: 1 },
      secrets: ['GITHUB_TOKEN'],
      postgres: { version: '16', serverless: { min: 0.5, max: 8 } },
      bucket: { versioned: true },
      environments: { prod: { count: { min: 2, max: 2 } } },
    });
  });

  it('imports a web service without a load balancer (http: false) as a backend, and reports its NLB', () => {
    expect(yaml('services/admin.yaml')).toMatchObject({ kind: 'backend', port: 8080, count: { min: 1, max: 1 }, source: { dockerfile: 'admin/Dockerfile' } });
    expect(unmappedAt(result, 'copilot/admin/manifest.yml', 'http')[0]!.why).toContain('imported as a backend');
    expect(unmappedAt(result, 'copilot/admin/manifest.yml', 'nlb')).toHaveLength(1);
    // Copilot checked nothing in this container: cityplan's default container check (/health) would fail it.
    expect(yaml('services/admin.yaml').health).toBe('none');
  });

  it('maps the Worker Service: subscriptions by service and topic with their filter, and its queue', () => {
    expect(yaml('services/orders-worker.yaml')).toMatchObject({
      kind: 'worker',
      source: { dockerfile: 'workers/orders/Dockerfile' },
      count: { min: 1, max: 5 },
      subscribe: [
        { service: 'frontend', topic: 'visit-booked', filter: { priority: ['urgent'] } },
        { service: 'frontend', topic: 'visit-cancelled' },
      ],
      queue: { visibilityTimeout: 45, maxReceives: 5 },
    });
    // The third subscription names a service that is not in the application.
    expect(unmappedAt(result, 'copilot/orders-worker/manifest.yml', 'subscribe.topics[2]')[0]!.why).toBe('service pricing is not in this application');
  });

  it('maps the Scheduled Job: schedule in EventBridge syntax, timeout in minutes, entrypoint before command', () => {
    expect(yaml('services/nightly-report.yaml')).toMatchObject({
      kind: 'job',
      schedule: 'cron(0 0 * * ? *)',
      timeout: 90,
      command: ['/bin/report', '--since', 'yesterday'],
      environments: { prod: { cpu: 1024, memory: 4096, schedule: 'cron(30 2 ? * 2-6 *)' } },
    });
    expect(unmappedAt(result, 'copilot/nightly-report/manifest.yml', 'retries')).toHaveLength(1);
    expect(unmappedAt(result, 'copilot/nightly-report/manifest.yml', 'entrypoint')).toHaveLength(1);
  });

  it('imports the Request-Driven Web Service as a web service, and reports App Runner settings and arm64', () => {
    expect(yaml('services/search.yaml')).toEqual({
      name: 'search',
      kind: 'web',
      owner: 'search-team@example.gov.uk',
      image: 'public.ecr.aws/docker/library/nginx:1.27',
      port: 80,
      health: '/healthz',
      cpu: 1024,
      memory: 2048,
      // An alias set for every environment answers in one: production's.
      environments: { prod: { hostnames: ['search.visits.example.gov.uk'] } },
    });
    const fields = result.unmapped.filter((u) => u.file === 'copilot/search/manifest.yml').map((u) => u.field);
    expect(fields).toEqual(expect.arrayContaining(['type', 'count', 'platform', 'http.alias']));
  });

  it('reports the Static Site, sidecars, storage, taskdef overrides, YAML patches and the addon resource with no form', () => {
    const reported = result.unmapped.map((u) => `${u.file} ${u.field}`);
    expect(reported).toEqual(
      expect.arrayContaining([
        'copilot/landing/manifest.yml type',
        'copilot/frontend/manifest.yml sidecars',
        'copilot/frontend/manifest.yml exec',
        'copilot/frontend/manifest.yml http.stickiness',
        'copilot/frontend/manifest.yml count.response_time',
        'copilot/frontend/manifest.yml deployment.rollback_alarms',
        'copilot/frontend/manifest.yml environments.test.memory',
        'copilot/frontend/overrides ',
        'copilot/orders-worker/manifest.yml storage',
        'copilot/orders-worker/manifest.yml taskdef_overrides',
        'copilot/orders-worker/manifest.yml count.range.spot_from',
        'copilot/orders-worker/manifest.yml image.build.args',
        'copilot/api/addons/db.yml Resources.apiuploadsTable',
        'copilot/api/manifest.yml network',
        'copilot/environments/prod/manifest.yml http.public.certificates',
        'copilot/pipelines/visits-main/manifest.yml stages[0].test_commands',
      ]),
    );
    for (const u of result.unmapped) {
      expect(u.why.length).toBeGreaterThan(0);
      expect(u.todo.length).toBeGreaterThan(0);
    }
    // Every entry is in IMPORT.md.
    const report = read('IMPORT.md');
    for (const u of result.unmapped) expect(report).toContain(`| ${u.file} | ${u.field ? `\`${u.field}\`` : ''} |`);
  });

  it("records each secret's Copilot source per environment, with a command that copies it into cityplan's name", () => {
    const session = result.secrets.filter((s) => s.service === 'frontend' && s.name === 'SESSION_SECRET');
    expect(session.map((s) => [s.environment, s.from, s.to])).toEqual([
      ['test', { store: 'ssm', name: '/copilot/visits/test/secrets/session_secret' }, 'visits/test/frontend/SESSION_SECRET'],
      ['prod', { store: 'ssm', name: '/copilot/visits/prod/secrets/session_secret' }, 'visits/prod/frontend/SESSION_SECRET'],
    ]);
    expect(session[0]!.command).toBe(
      `(v=$(aws ssm get-parameter --name '/copilot/visits/test/secrets/session_secret' --with-decryption --query Parameter.Value --output text) && printf %s "$v" | aws secretsmanager put-secret-value --secret-id 'visits/test/frontend/SESSION_SECRET' --secret-string file:///dev/stdin)`,
    );
    const db = result.secrets.find((s) => s.service === 'frontend' && s.name === 'DB_PASSWORD' && s.environment === 'prod')!;
    expect(db.command).toContain(`aws secretsmanager get-secret-value --secret-id 'visits/frontend/db'`);
    // An environment override of a secret's source is that environment's.
    const token = result.secrets.filter((s) => s.service === 'api').map((s) => [s.environment, s.from?.name]);
    expect(token).toEqual([
      ['test', 'GH_TOKEN_SECRET'],
      ['prod', 'arn:aws:ssm:eu-west-2:123456789012:parameter/prod/gh_token'],
    ]);
    // A value that was written in the manifest has nowhere to be copied from: a new one is typed in.
    expect(result.secrets.find((s) => s.name === 'STRIPE_API_KEY')).toMatchObject({ to: 'visits/test/frontend/STRIPE_API_KEY' });
    expect(result.secrets.find((s) => s.name === 'STRIPE_API_KEY')!.command).toMatch(/^\(IFS= read -rs v && .*--secret-id 'visits\/test\/frontend\/STRIPE_API_KEY' /);
    for (const s of result.secrets) expect(read('IMPORT.md')).toContain(s.command);
    expect(read('IMPORT.md')).toContain(session[0]!.command);
  });
});

describe("import copilot: Copilot's defaults where cityplan's differ", () => {
  it('keeps the load balancer checking / when the manifest names no health check, and reports a count left to the default', () => {
    const app = scratch();
    mkdirSync(join(app, 'copilot/plain'), { recursive: true });
    writeFileSync(join(app, 'copilot/plain/manifest.yml'), 'name: plain\ntype: Load Balanced Web Service\nimage:\n  location: public.ecr.aws/nginx/nginx:1.27\n  port: 8080\n');
    const result = importCopilot(app);
    const plain = parse(result.files.get('services/plain.yaml')!);
    expect(plain.health).toBe('/');
    expect(plain.count).toBeUndefined();
    expect(unmappedAt(result, 'copilot/plain/manifest.yml', 'count')[0]!.why).toContain('Copilot ran 1 task');
    // No environment anywhere: one placeholder environment, reported.
    expect(parse(result.files.get('estate.yaml')!).environments).toEqual({ staging: expect.any(Object) });
    expect(result.unmapped.map((u) => u.file)).toContain('copilot/environments');
  });
});

describe('import copilot: the legacy application (older pipeline.yml, no environment manifests, odd forms)', () => {
  const { result, dir, yaml, read } = imported('legacy');

  it('takes environments, repository, branch and approval from copilot/pipeline.yml', () => {
    expect(loadEstate(dir).environments.map((e) => e.name)).toEqual(['staging', 'production']);
    expect(yaml('estate.yaml').environments.production.approval).toBe(true);
    expect(yaml('services/www.yaml').source).toEqual({ repo: 'acme/legacy-app', branch: 'release', dockerfile: 'web/Dockerfile' });
    expect(unmappedAt(result, 'copilot/pipeline.yml', 'source.properties.access_token_secret')).toHaveLength(1);
  });

  it('reads count: 1, aliases as a list of strings and as a string, and fixes 256 CPU with 4 GiB', () => {
    expect(yaml('services/www.yaml')).toMatchObject({
      kind: 'web',
      port: 3000,
      health: '/ping',
      cpu: 512,
      memory: 4096,
      count: { min: 1, max: 1 },
      environments: {
        staging: { hostnames: ['staging.legacy.example.org'] },
        production: { hostnames: ['legacy.example.org', 'www.legacy.example.org'] },
      },
    });
    expect(unmappedAt(result, 'copilot/www/manifest.yml', 'memory')[0]!.why).toContain('cpu 512, memory 4096');
    expect(unmappedAt(result, 'copilot/www/manifest.yml', 'http.path')).toHaveLength(1);
    expect(unmappedAt(result, 'copilot/www/manifest.yml', 'deployment.rolling')).toHaveLength(1);
  });

  it('reads a backend http health check map, a command list, count {range: 1-10}, a FIFO queue and clamps a CPU target', () => {
    expect(yaml('services/internal.yaml')).toMatchObject({ kind: 'backend', port: 9000, health: '/status', command: ['python', '-m', 'internal'], count: { min: 1, max: 3 }, scale: { cpu: 90 } });
    expect(unmappedAt(result, 'copilot/internal/manifest.yml', 'count.cpu_percentage')).toHaveLength(1);
    expect(unmappedAt(result, 'copilot/internal/manifest.yml', 'http.alias')).toHaveLength(1);
    // Copilot's default count was one task: cityplan's default is kept, and said.
    expect(yaml('services/internal.yaml').count).toEqual({ min: 1, max: 3 });
    expect(unmappedAt(result, 'copilot/cleanup/manifest.yml', 'count')).toEqual([]);
    expect(yaml('services/mailer.yaml')).toMatchObject({ kind: 'worker', count: { min: 1, max: 10 }, queue: { fifo: true } });
    expect(unmappedAt(result, 'copilot/mailer/manifest.yml', 'image.healthcheck')).toHaveLength(1);
  });

  it('converts @every, five-field cron and none, marking the placeholder', () => {
    expect(yaml('services/cleanup.yaml')).toMatchObject({ schedule: 'rate(30 minutes)', timeout: 1 });
    expect(yaml('services/weekly.yaml').schedule).toBe('cron(0 3 ? * 1 *)');
    expect(yaml('services/manual.yaml').schedule).toBe('cron(0 0 1 1 ? 2199)');
    expect(read('services/manual.yaml')).toMatch(/schedule: cron\(0 0 1 1 \? 2199\) # TODO\(import\): /);
    expect(unmappedAt(result, 'copilot/manual/manifest.yml', 'on.schedule')).toHaveLength(1);
  });
});

describe('import copilot: an environment name cityplan cannot take', () => {
  it('renames it, reports the rename, and reports its overrides under the Copilot name', () => {
    const app = scratch();
    mkdirSync(join(app, 'copilot/jobs'), { recursive: true });
    writeFileSync(
      join(app, 'copilot/jobs/manifest.yml'),
      stringify({
        name: 'jobs',
        type: 'Worker Service',
        image: { location: 'public.ecr.aws/docker/library/alpine:3.20' },
        environments: { 'Production_London': { image: { build: 'Dockerfile' }, variables: { QUEUE_URL: 'https://example', MODE: 'live-${COPILOT_ENVIRONMENT_NAME}' } } },
      }),
    );
    const result = importCopilot(app);
    expect(Object.keys(parse(result.files.get('estate.yaml')!).environments)).toEqual(['production-l']);
    expect(unmappedAt(result, 'copilot/environments/Production_London', 'name')[0]!.why).toBe(
      "environment 'Production_London' is named 'production-l' in cityplan (lower-case letters, digits and hyphens, at most 12)",
    );
    // QUEUE_URL is the worker's queue in cityplan: dropped, and said where the manifest set it.
    expect(unmappedAt(result, 'copilot/jobs/manifest.yml', 'environments.Production_London.variables.QUEUE_URL')).toHaveLength(1);
    // Built from source in one environment and prebuilt elsewhere: cityplan builds a service one way.
    expect(parse(result.files.get('services/jobs.yaml')!).environments).toEqual({ 'production-l': { env: { MODE: 'live-Production_London' } } });
    expect(unmappedAt(result, 'copilot/jobs/manifest.yml', 'environments.Production_London.image')).toHaveLength(1);
  });
});

describe('import copilot: values in forms Copilot does not document', () => {
  const TYPES = ['Load Balanced Web Service', 'Backend Service', 'Worker Service', 'Scheduled Job', 'Request-Driven Web Service'];
  /** Field → wrong values, each with the field it must be reported at. */
  const WRONG: Record<string, Array<[unknown, string]>> = {
    http: [['yes', 'http'], [3, 'http'], [['/'], 'http'], [{ alias: 5 }, 'http.alias']],
    image: [['nginx', 'image'], [{ location: ['a'] }, 'image.location']],
    count: [[true, 'count'], [{ range: 7 }, 'count.range']],
    variables: [['A=1', 'variables'], [['A'], 'variables']],
    secrets: [['A', 'secrets'], [[1], 'secrets']],
    command: [[3, 'command'], [{ a: 1 }, 'command']],
    deployment: [['rolling', 'deployment']],
    publish: [['topic', 'publish'], [{ topics: 'one' }, 'publish.topics']],
    subscribe: [[['t'], 'subscribe'], [{ topics: { name: 'x' } }, 'subscribe.topics']],
    on: [['@daily', 'on'], [{ schedule: 5 }, 'on.schedule']],
    timeout: [[[1], 'timeout']],
    cpu: [['lots', 'cpu']],
    environments: [[['prod'], 'environments']],
  };

  it('reports each one at its field, and never fails on it', () => {
    const app = scratch();
    mkdirSync(join(app, 'copilot/svc'), { recursive: true });
    for (const type of TYPES) {
      for (const [field, cases] of Object.entries(WRONG)) {
        for (const [value, at] of cases) {
          const manifest = { name: 'svc', type, image: { location: 'public.ecr.aws/nginx/nginx:1.27', port: 80 }, [field]: value };
          writeFileSync(join(app, 'copilot/svc/manifest.yml'), stringify(manifest));
          const result = importCopilot(app);
          expect(result.unmapped.map((u) => u.field), `${type} ${field}: ${JSON.stringify(value)}`).toContain(at);
        }
      }
    }
  });
});


/** A Copilot application of the files given (path under the application folder → text). */
function appOf(files: Record<string, string>): string {
  const app = scratch();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  return app;
}

const WEB = 'type: Load Balanced Web Service\nimage:\n  location: public.ecr.aws/nginx/nginx:1.27\n  port: 8080\nhttp:\n  path: /\n';

describe('import copilot: credentials written as plain variables', () => {
  it('moves a value of a well-known token form to secrets whatever its name, and reports it without the value', () => {
    // Made-up values of the documented shapes.
    const stripe = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc';
    const slack = 'https://hooks.slack.com/services/' + 'T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';
    const app = appOf({ 'copilot/web/manifest.yml': `name: web\n${WEB}variables:\n  STRIPE: ${stripe}\n  SLACK_HOOK: ${slack}\n  LOG_LEVEL: info\n` });
    const result = importCopilot(app);
    const web = parse(result.files.get('services/web.yaml')!);
    expect(web.env).toEqual({ LOG_LEVEL: 'info' });
    expect(web.secrets).toEqual(['SLACK_HOOK', 'STRIPE']);
    expect(unmappedAt(result, 'copilot/web/manifest.yml', 'variables.STRIPE')[0]!.why).toMatch(/a Stripe secret key.*moved to secrets/);
    expect(unmappedAt(result, 'copilot/web/manifest.yml', 'variables.SLACK_HOOK')[0]!.why).toMatch(/a Slack webhook URL/);
    const everything = [...result.files.values()].join('\n') + JSON.stringify(result.unmapped);
    expect(everything).not.toContain(stripe);
    expect(everything).not.toContain(slack);
  });
});

describe('import copilot: a secret read from one JSON key of a Secrets Manager secret', () => {
  it('reads the secret by its id and picks the key, with the ${COPILOT_ENVIRONMENT_NAME} filled in', () => {
    const app = appOf({
      'copilot/web/manifest.yml': `name: web\n${WEB}secrets:\n  NOTIFY_KEY:\n    secretsmanager: 'visits/\${COPILOT_ENVIRONMENT_NAME}/notify:api_key::'\n`,
      'copilot/environments/test/manifest.yml': 'name: test\ntype: Environment\n',
    });
    const [copy] = importCopilot(app).secrets;
    expect(copy!.from).toEqual({ store: 'secretsmanager', name: 'visits/test/notify:api_key::' });
    expect(copy!.command).toContain("aws secretsmanager get-secret-value --secret-id 'visits/test/notify' --query SecretString");
    expect(copy!.command).toContain("jq -er --arg k 'api_key'");
  });
});

describe('import copilot: service-discovery addresses', () => {
  it("rewrites <service>.<env>.<app>.local to cityplan's <service>:<port>, adds calls, and the estate validates", () => {
    const app = appOf({
      'copilot/.workspace': 'application: visits\n',
      'copilot/frontend/manifest.yml': `name: frontend\n${WEB}variables:\n  API_URL: http://api.\${COPILOT_ENVIRONMENT_NAME}.visits.local:8080\n  API_HOST: api.\${COPILOT_SERVICE_DISCOVERY_ENDPOINT}\n  GONE: http://ghost.test.visits.local:80\n`,
      'copilot/api/manifest.yml': 'name: api\ntype: Backend Service\nimage:\n  location: public.ecr.aws/nginx/nginx:1.27\n  port: 8080\n',
      'copilot/environments/test/manifest.yml': 'name: test\ntype: Environment\n',
    });
    const result = importCopilot(app);
    const frontend = parse(result.files.get('services/frontend.yaml')!);
    expect(frontend.calls).toEqual(['api']);
    expect(frontend.env).toMatchObject({ API_URL: 'http://api:8080', API_HOST: 'api:8080', GONE: 'http://ghost.test.visits.local:80' });
    expect(unmappedAt(result, 'copilot/frontend/manifest.yml', 'variables.API_URL')[0]!.why).toMatch(/service-discovery address; written as api:8080.*added to calls/);
    expect(unmappedAt(result, 'copilot/frontend/manifest.yml', 'variables.GONE')[0]!.why).toMatch(/service ghost is not in this application/);
    const dir = join(scratch(), 'estate');
    writeEstateFolder(dir, result.files);
    expect(() => loadEstate(dir)).not.toThrow();
  });
});

describe('import copilot: production is protected', () => {
  const app = appOf({
    'copilot/web/manifest.yml': `name: web\n${WEB}count: 1\n`,
    'copilot/pipelines/main/manifest.yml': 'name: main\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: https://github.com/org/visits\n    branch: main\nstages:\n  - name: test\n  - name: live-eu\n    requires_approval: true\n',
    'copilot/environments/prod/manifest.yml': 'name: prod\ntype: Environment\n',
  });
  const result = importCopilot(app);
  const estate = parse(result.files.get('estate.yaml')!);

  it('protects an environment the pipeline gated with requires_approval, and one named prod; not the others', () => {
    expect(estate.environments.test.protect).toBeUndefined();
    expect(estate.environments['live-eu'].protect).toBe(true);
    expect(estate.environments.prod.protect).toBe(true);
    expect(result.files.get('estate.yaml')).toContain('protect: true # Copilot\'s pipeline deployed to live-eu only after a manual approval');
    expect(unmappedAt(result, 'copilot/environments/prod/manifest.yml', 'protect')[0]!.why).toMatch(/named like production, so prod is imported with protect: true/);
    expect(result.files.get('IMPORT.md')).toContain('imported with protect: true');
  });

  it('runs at least 2 tasks of each service there, reported, and the estate validates', () => {
    const web = parse(result.files.get('services/web.yaml')!);
    expect(web.count).toEqual({ min: 1, max: 1 });
    expect(web.environments.prod.count).toEqual({ min: 2, max: 2 });
    expect(web.environments['live-eu'].count).toEqual({ min: 2, max: 2 });
    expect(web.environments.test?.count).toBeUndefined();
    expect(unmappedAt(result, 'copilot/web/manifest.yml', 'count').map((u) => u.why)).toContainEqual(expect.stringMatching(/ran at least 1 task in prod; a protected cityplan environment runs at least 2/));
    const dir = join(scratch(), 'estate');
    writeEstateFolder(dir, result.files);
    expect(loadEstate(dir).environments.filter((e) => e.protect).map((e) => e.name).sort()).toEqual(['live-eu', 'prod']);
  });
});

describe('import copilot: what cityplan would refuse or decides itself', () => {
  it('imports a reversed count range the right way round, reported', () => {
    const app = appOf({ 'copilot/web/manifest.yml': `name: web\n${WEB}count:\n  range: 10-1\nenvironments:\n  test:\n    count: 2\n` });
    const result = importCopilot(app);
    expect(parse(result.files.get('services/web.yaml')!).count).toEqual({ min: 1, max: 10 });
    expect(unmappedAt(result, 'copilot/web/manifest.yml', 'count.range')[0]!.why).toBe('10-1 runs from more tasks to fewer; imported as 1-10');
  });

  it('reports a count given as a word on a Fargate service as no count, not as an App Runner setting', () => {
    const app = appOf({ 'copilot/web/manifest.yml': `name: web\n${WEB}count: lots\n` });
    const [finding] = unmappedAt(importCopilot(app), 'copilot/web/manifest.yml', 'count');
    expect(finding!.why).toBe("'lots' is not a count Copilot takes here: a number, a range such as 1-10, or a map with range");
  });

  it("reports an Aurora addon's database name and backup period", () => {
    const app = appOf({
      'copilot/web/manifest.yml': `name: web\n${WEB}`,
      'copilot/web/addons/db.yml': 'Resources:\n  Db:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      Engine: aurora-postgresql\n      DatabaseName: frontend\n      BackupRetentionPeriod: 8\n',
    });
    const result = importCopilot(app);
    expect(unmappedAt(result, 'copilot/web/addons/db.yml', 'Resources.Db.Properties.DatabaseName')[0]!.why).toMatch(/named frontend; cityplan names it app and gives the name as PGDATABASE/);
    expect(unmappedAt(result, 'copilot/web/addons/db.yml', 'Resources.Db.Properties.BackupRetentionPeriod')[0]!.why).toMatch(/kept 8 days; cityplan keeps them 7 days, or 35/);
  });
});
