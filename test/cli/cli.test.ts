import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { recordDeployment } from '../../src/estate/deployment';
import { lockTempPath, readLock, writeLock } from '../../src/estate/lock';
import { copyExample } from '../support/estate-files';

const scratch = () => mkdtempSync(join(tmpdir(), 'cityplan-cli-'));


describe('cityplan plan', () => {
  it('plans the example estate and prints the contract keys with --json', async () => {
    const dir = copyExample();
    const out = join(scratch(), 'assembly');
    const { code, stdout } = await cityplan('plan', dir, '--out', out, '--json');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.estate).toBe('justice');
    expect(plan.environments.map((e: { name: string }) => e.name)).toEqual(['staging', 'production']);
    const visits = plan.environments[0].services.find((s: { name: string }) => s.name === 'book-a-prison-visit');
    expect(visits).toMatchObject({
      kind: 'web',
      shard: 0,
      priority: expect.any(Number),
      urls: ['https://book-a-prison-visit.staging.justice.example.gov.uk'],
      stack: 'justice-staging-book-a-prison-visit',
      resources: expect.any(Number),
      cpu: 512,
      memory: 1024,
      count: { min: 2, max: 6 },
    });
    expect(plan.environments[0].prerequisites.map((p: { kind: string }) => p.kind)).toEqual(['bootstrap', 'delegation', 'images', 'secrets']);
    expect(plan.environments[0].shards[0]).toEqual({ id: 0, services: 4, rules: 4, targetGroups: 4, certificates: 0 });
    expect(plan.stacks).toContainEqual(expect.objectContaining({ name: 'justice-production-foundation', resources: expect.any(Number), bytes: expect.any(Number) }));
    expect(plan.findings).toEqual({ unacknowledged: 0, acknowledged: expect.any(Number), acknowledgements: expect.any(Array) });
    expect(plan.findings.acknowledgements).toHaveLength(plan.findings.acknowledged);
    // Nothing of the example was ever deployed: every service with a stack is still to be added.
    expect(plan.changes).toEqual({ added: expect.any(Array), removed: [], moved: [], order: [], flags: [] });
    expect(plan.changes.added).toContainEqual({ environment: 'production', service: 'find-a-court', kind: 'web' });
    expect(plan.changes.added).toHaveLength(plan.stacks.filter((s: { service?: string; environment: string }) => s.service && s.environment !== 'delivery').length);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('shows a removed service as what the deploy deletes and keeps, in text and JSON', async () => {
    const dir = copyExample();
    // As after a deploy of every stack: a stack never deployed leaves no removal (never-deployed.test.ts).
    const { lock } = readLock(dir);
    const stacks = Object.values(lock.environments).flatMap((e) => Object.keys(e.stacks));
    writeLock(dir, recordDeployment(lock, { deployed: stacks, destroyed: [], removals: new Set() }));
    rmSync(join(dir, 'services', 'book-a-prison-visit.yaml'));
    const text = await cityplan('plan', dir, '--out', join(scratch(), 'a'));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('removed: service book-a-prison-visit: deploy deletes stack justice-production-book-a-prison-visit');
    expect(text.stdout).toContain('keeps log group /cityplan/justice/production/book-a-prison-visit');
    expect(text.stdout).toContain('WARNING: justice-production-book-a-prison-visit leaves protected environment production: cityplan deploy does this only with --allow-removal');
    const json = JSON.parse((await cityplan('plan', dir, '--out', join(scratch(), 'b'), '--json')).stdout);
    expect(json.changes.removed.map((r: { stack: string }) => r.stack)).toEqual([
      'justice-staging-book-a-prison-visit',
      'justice-production-book-a-prison-visit',
      'justice-delivery-book-a-prison-visit',
    ]);
    // Its pipeline goes too, with its image records; its image repository stays
    expect(text.stdout).toContain(
      'removed: pipeline of book-a-prison-visit: deploy deletes stack justice-delivery-book-a-prison-visit (its pipeline, build project, their roles and its image records: a service re-added under this name starts with none), build project justice-book-a-prison-visit, pipeline justice-book-a-prison-visit, log group /cityplan/justice/delivery/book-a-prison-visit, SSM parameter /cityplan/justice/delivery/book-a-prison-visit/production/image-tag, SSM parameter /cityplan/justice/delivery/book-a-prison-visit/staging/image-tag; keeps image repository justice/book-a-prison-visit',
    );
  });

  it('keeps the committed lock as it is when nothing changed', async () => {
    const dir = copyExample();
    const before = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    const { code, stdout } = await cityplan('plan', dir, '--out', join(scratch(), 'a'), '--env', 'staging', '--findings');
    expect(code).toBe(0);
    // Once per service stack: as many times as stacks.
    expect(stdout).toMatch(/\n {2}RULE\s+TIMES\s+STACKS\s+REASON\n(?: {2}.*\n)*? {2}AwsSolutions-ECS2\s+×(\d+)\s+\1\s+Environment variables/);
    expect(stdout).toContain('lock: ');
    expect(stdout).toContain('unchanged');
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(before);
  });

  it('constructs only one service’s stacks with --service: its stack per environment and its pipeline', async () => {
    const { code, stdout } = await cityplan('plan', copyExample(), '--out', join(scratch(), 'a'), '--service', 'find-a-court', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).stacks.map((s: { name: string }) => s.name).sort()).toEqual([
      'justice-delivery-find-a-court',
      'justice-production-find-a-court',
      'justice-staging-find-a-court',
    ]);
  });

  it('exits 1 listing every problem with file and line, and writes neither the assembly nor the lock', async () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'services', 'find-a-court.yaml'), 'name: find-a-court\nkind: web\nimage: x/y:1\ncpus: 2\ncount:\n  min: 5\n  max: 3\n');
    rmSync(join(dir, 'cityplan.lock.json'));
    const out = join(scratch(), 'kept');
    mkdirSync(out);
    writeFileSync(join(out, 'marker'), 'previous assembly');
    const { code, stderr } = await cityplan('plan', dir, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain("services/find-a-court.yaml:4:1: cpus: unknown field 'cpus' (did you mean 'cpu'?)");
    expect(stderr).toContain('services/find-a-court.yaml:6:8: count.min: min 5 is more than max 3');
    expect(readFileSync(join(out, 'marker'), 'utf8')).toBe('previous assembly');
    expect(existsSync(join(dir, 'cityplan.lock.json'))).toBe(false);
  });

  it('prints the problems as JSON on stdout too when --json was asked for', async () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'services', 'find-a-court.yaml'), 'name: find-a-court\nkind: web\nimage: x/y:1\ncpus: 2\n');
    const { code, stdout } = await cityplan('plan', dir, '--out', join(scratch(), 'a'), '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      problems: [{ file: 'services/find-a-court.yaml', line: 4, column: 1, field: 'cpus', message: "unknown field 'cpus' (did you mean 'cpu'?)" }],
    });
    const usage = await cityplan('plan', copyExample(), '--env', 'nowhere', '--json');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).problems[0].message).toContain("no environment 'nowhere'");
  });

  it('exits 1 on a damaged lock file, naming it', async () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'cityplan.lock.json'), '{ "version": 1, ');
    const out = join(scratch(), 'none');
    const { code, stderr } = await cityplan('plan', dir, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toMatch(/cityplan.lock.json: is not valid JSON/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses an --out that is not a cloud assembly, leaving it untouched', async () => {
    const mine = scratch();
    writeFileSync(join(mine, 'notes.txt'), 'mine');
    const { code, stderr } = await cityplan('plan', copyExample(), '--out', mine);
    // Exit 1, as for any path that cannot be written (README): the estate is fine, the folder is not.
    expect(code).toBe(1);
    expect(stderr).toContain('is not a cloud assembly');
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('mine');
    expect((await cityplan('plan', copyExample(), '--out', join(mine, 'notes.txt'))).code).toBe(1);
    // A web app's or browser extension's folder has a manifest.json too: not an assembly either.
    writeFileSync(join(mine, 'manifest.json'), '{"name":"my-pwa"}');
    expect((await cityplan('plan', copyExample(), '--out', mine)).code).toBe(1);
    expect(readFileSync(join(mine, 'notes.txt'), 'utf8')).toBe('mine');
  });

  // Tests run as root here, and chmod does not stop root from writing: a file where a folder must
  // be (or the reverse) makes the same system calls fail as a read-only folder would. See also
  // read-only.test.ts, which makes the estate folder read-only for cityplan's own calls.
  it('exits 1 naming the path when --out cannot be written, and changes nothing', async () => {
    const dir = copyExample();
    rmSync(join(dir, 'cityplan.lock.json'));
    const file = join(scratch(), 'a-file');
    writeFileSync(file, 'mine');
    const { code, stdout, stderr } = await cityplan('plan', dir, '--out', join(file, 'cdk.out'), '--json');
    expect(code).toBe(1);
    expect(stderr).toContain(`cityplan: cannot write the cloud assembly to ${join(file, 'cdk.out')}: a part of the path is a file, not a folder (ENOTDIR)`);
    expect(stderr).not.toContain('internal error');
    expect(JSON.parse(stdout).problems).toEqual([{ file: join(file, 'cdk.out'), line: null, column: null, field: null, message: expect.stringContaining('choose an --out in a folder you can write to') }]);
    expect(existsSync(join(dir, 'cityplan.lock.json'))).toBe(false);
  });

  it('exits 1 when the lock cannot be written, before the assembly is replaced', async () => {
    // GIVEN a previous assembly, and an estate folder that refuses the lock's new text: a folder
    // stands where its temp file goes (as a read-only folder, it makes the write fail)
    const dir = copyExample();
    rmSync(join(dir, 'cityplan.lock.json'));
    const out = join(scratch(), 'assembly');
    mkdirSync(out);
    const previous = '{"version":"55.0.0","artifacts":{}}';
    writeFileSync(join(out, 'manifest.json'), previous);
    writeFileSync(join(out, 'cdk.out'), '{"version":"55.0.0"}');
    mkdirSync(lockTempPath(dir));

    const { code, stderr } = await cityplan('plan', dir, '--out', out);

    // THEN it says which file, where, and what to do; and --out, the lock and the folder beside --out are as they were
    expect(code).toBe(1);
    expect(stderr).toContain(`cityplan: cannot write cityplan.lock.json in ${dir}: a folder is in the way (EISDIR); make the folder writable, or plan a copy of the estate`);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(previous);
    expect(existsSync(join(dir, 'cityplan.lock.json'))).toBe(false);
    expect(readdirSync(dirname(out))).toEqual(['assembly']);
  });

  it('exits 2 for an environment or service the estate does not have', async () => {
    expect((await cityplan('plan', copyExample(), '--env', 'prod')).code).toBe(2);
    const { code, stderr } = await cityplan('plan', copyExample(), '--service', 'find-a-cort');
    expect(code).toBe(2);
    expect(stderr).toContain("no service 'find-a-cort' in justice; did you mean find-a-court? (services: apply-for-legal-aid, book-a-prison-visit,");
  });

  it('lets a copied estate of which nothing was deployed be renamed, starting its lock afresh', async () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'estate.yaml'), readFileSync(join(dir, 'estate.yaml'), 'utf8').replace('name: justice', 'name: courts'));
    const { code, stdout } = await cityplan('plan', dir, '--out', join(scratch(), 'a'), '--env', 'staging', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).changes.flags).toEqual(['the lock was written for estate justice, of which nothing was deployed: it starts afresh for estate courts']);
    expect(JSON.parse(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).estate).toBe('courts');
  });

  it('plans a job on its own, its schedule in place of a URL, the committed lock already holding its stack', async () => {
    const dir = copyExample();
    const { code, stdout } = await cityplan('plan', dir, '--service', 'money-reconciliation', '--out', join(scratch(), 'a'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/money-reconciliation\s+job\s.*cron\(0 2 \* \* \? \*\), stops after 60 min/);
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(readFileSync('examples/justice/cityplan.lock.json', 'utf8'));
  });
});

describe('cityplan usage', () => {
  it('prints its version with --version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
    const { code, stdout } = await cityplan('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it('exits 2 for an unknown option or a missing argument', async () => {
    expect((await cityplan('plan', 'x', '--colour')).code).toBe(2);
    expect((await cityplan('validate')).code).toBe(2);
    expect((await cityplan('frobnicate')).code).toBe(2);
  });

  it('validate exits 0 on the example and 2 when the folder given is not an estate', async () => {
    expect(await cityplan('validate', 'examples/justice')).toMatchObject({ code: 0, stdout: expect.stringContaining('2 environments, 7 services, 2 load balancer shards') });
    const missing = await cityplan('validate', join(scratch(), 'nothing-here'));
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringMatching(/nothing-here does not exist; give the estate folder/) });
  });

  it('names the estate folder meant when given a folder inside it, its estate.yaml, or a misnamed estate.yml', async () => {
    const dir = copyExample();
    expect(await cityplan('validate', join(dir, 'services'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`services is inside the estate ${dir}, not an estate of its own; give that folder instead`),
    });
    expect(await cityplan('plan', join(dir, 'estate.yaml'))).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(`estate.yaml is a file, not an estate folder; give the folder that holds it: ${dir}`),
    });
    expect(await cityplan('validate', dirname(dir))).toMatchObject({ code: 2, stderr: expect.stringContaining(`the estate folder below it is ${dir}`) });
    renameSync(join(dir, 'estate.yaml'), join(dir, 'estate.yml'));
    expect(await cityplan('validate', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('cityplan reads estate.yaml; rename estate.yml to estate.yaml') });
  });

  it('names a few of many estate folders below the folder given, and how many more', async () => {
    const many = scratch();
    for (let i = 0; i < 12; i++) {
      mkdirSync(join(many, `estate-${String(i).padStart(2, '0')}`));
      writeFileSync(join(many, `estate-${String(i).padStart(2, '0')}`, 'estate.yaml'), 'name: x\n');
    }
    const { code, stderr } = await cityplan('runbook', 'list', many);
    expect(code).toBe(2);
    expect(stderr).toContain(`${join(many, 'estate-04')}, and 7 more`);
    expect(stderr).not.toContain('estate-05');
  });

  it('reads service files in subfolders of services/, and refuses one service defined twice', async () => {
    const dir = copyExample();
    mkdirSync(join(dir, 'services', 'legal-aid'));
    renameSync(join(dir, 'services', 'apply-for-legal-aid.yaml'), join(dir, 'services', 'legal-aid', 'apply-for-legal-aid.yaml'));
    expect(await cityplan('validate', dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('7 services') });
    writeFileSync(join(dir, 'services', 'apply-for-legal-aid.yaml'), readFileSync(join(dir, 'services', 'legal-aid', 'apply-for-legal-aid.yaml')));
    expect(await cityplan('validate', dir)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("services/legal-aid/apply-for-legal-aid.yaml:2:7: name: service 'apply-for-legal-aid' is also defined in services/apply-for-legal-aid.yaml"),
    });
  });

  it('init writes a starter estate named after its folder that validates and plans, and refuses a folder in use', async () => {
    const dir = join(scratch(), 'Prison Visits');
    const init = await cityplan('init', dir);
    expect(init).toMatchObject({ code: 0, stdout: expect.stringContaining(`wrote estate prison-visits to ${dir}`) });
    const estate = readFileSync(join(dir, 'estate.yaml'), 'utf8');
    expect(estate).toContain('name: prison-visits\n');
    expect(estate).toContain('domain: staging.prison-visits.example.gov.uk\n');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^cdk\.out\/$/m);
    expect((await cityplan('validate', dir)).code).toBe(0);

    // The README's example, on what init wrote
    const plan = await cityplan('plan', dir, '--out', join(scratch(), 'a'), '--env', 'staging', '--service', 'hello-world', '--json');
    expect(plan.code).toBe(0);
    expect(JSON.parse(plan.stdout).stacks.map((s: { name: string }) => s.name)).toEqual(['prison-visits-staging-hello-world']);
    const whole = await cityplan('plan', dir, '--out', join(scratch(), 'b'));
    expect(whole).toMatchObject({ code: 0, stderr: '' });
    expect(whole.stdout).toContain('Plan of estate prison-visits');
    expect(whole.stdout).toContain('hello-world  web   0      1');
    expect(whole.stdout).toContain('https://hello-world.staging.prison-visits.example.gov.uk');
    expect(whole.stdout).toMatch(/policy: .* 0 unacknowledged findings/);
    expect(whole.stdout).toMatch(/lock: .*cityplan\.lock\.json updated/);

    expect((await cityplan('init', dir)).code).toBe(2);
  });

  it('init writes into an existing folder (a fresh clone) and keeps the folder itself, its files and its .gitignore', async () => {
    const dir = join(scratch(), 'visits-estate');
    mkdirSync(dir);
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, 'README.md'), 'ours');
    writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
    const before = statSync(dir).ino;
    expect(await cityplan('init', dir)).toMatchObject({ code: 0 });
    expect(statSync(dir).ino).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(['.git', '.gitignore', '.schema', 'README.md', 'estate.yaml', 'services']);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe('ours');
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toMatch(/^node_modules\/\n[\s\S]*^cdk\.out\/$/m);
    expect((await cityplan('validate', dir)).code).toBe(0);
    expect(await cityplan('init', dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('already holds estate.yaml and services') });
  });

  it('init falls back to my-estate when the folder name makes no estate name, saying so', async () => {
    const dir = join(scratch(), '2024');
    const { code, stdout } = await cityplan('init', dir);
    expect(code).toBe(0);
    expect(stdout).toContain("the folder's name makes no estate name");
    expect(readFileSync(join(dir, 'estate.yaml'), 'utf8')).toContain('name: my-estate\n');
  });

  it('init exits 1 onto a file, or under one, and leaves nothing behind', async () => {
    const parent = scratch();
    const file = join(parent, 'taken');
    writeFileSync(file, 'mine');
    const onto = await cityplan('init', file);
    expect(onto.code).toBe(1);
    expect(onto.stderr).toContain(`cannot create the estate folder ${file}: a file of that name is there; choose a new folder name`);
    const under = await cityplan('init', join(file, 'estate'));
    expect(under.code).toBe(1);
    expect(under.stderr).toContain('a part of the path is a file, not a folder (ENOTDIR)');
    expect(readFileSync(file, 'utf8')).toBe('mine');
    expect(readdirSync(parent)).toEqual(['taken']);
  });

  it('schema prints the JSON Schemas of both files', async () => {
    const { code, stdout } = await cityplan('schema');
    expect(code).toBe(0);
    const schemas = JSON.parse(stdout);
    expect(Object.keys(schemas.estate.properties)).toContain('environments');
    expect(Object.keys(schemas.service.properties)).toContain('hostnames');
  });
});

describe('the installed command', () => {
  it('says it is not built yet, without a stack trace, before npm run build', () => {
    // GIVEN bin/cityplan.js as in a fresh clone: no dist/ beside it
    const clone = scratch();
    mkdirSync(join(clone, 'bin'));
    cpSync('bin/cityplan.js', join(clone, 'bin', 'cityplan.js'));
    const run = spawnSync(process.execPath, [join(clone, 'bin', 'cityplan.js'), 'plan', '.'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('cityplan is not built yet: run npm run build (or npm ci && npm start)\n');
  });

  it('fails at once, saying why, to init a folder where the file system takes none (/proc)', () => {
    // Node's recursive mkdir retries for ever on ENOENT from a parent that exists: a child
    // process, so that a regression times out rather than hanging the tests.
    if (!existsSync('/proc/self')) return;
    const run = spawnSync(process.execPath, ['bin/cityplan.js', 'init', '/proc/cityplan-estate'], { encoding: 'utf8', timeout: 30_000 });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('cityplan: cannot create the estate folder /proc/cityplan-estate: the path does not exist, or its file system takes no new files there (ENOENT)');
  });

  it('reports a user mistake without a stack trace, with exit status 1', () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'estate.yaml'), 'name: Bad Name\n');
    const run = spawnSync(process.execPath, ['bin/cityplan.js', 'validate', dir], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('estate.yaml:1:7: name:');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('a host name two services claim', () => {
  it('is reported at the service that newly claims it, not the one the lock says holds it', async () => {
    const dir = copyExample();
    const file = join(dir, 'services', 'find-a-court.yaml');
    writeFileSync(file, `${readFileSync(file, 'utf8')}hostnames: [send-money.staging.justice.example.gov.uk]\n`);
    const { code, stderr } = await cityplan('validate', dir);
    expect(code).toBe(1);
    expect(stderr).toContain('services/find-a-court.yaml');
    expect(stderr).toContain('send-money.staging.justice.example.gov.uk is already used by service send-money-to-prisoners in environment staging');
    expect(stderr).not.toContain('services/send-money-to-prisoners.yaml');
  });
});

describe('an empty services folder where the lock has services', () => {
  it('is one problem, never a plan removing every service', async () => {
    const dir = copyExample();
    renameSync(join(dir, 'services'), join(dir, 'Services'));
    mkdirSync(join(dir, 'services'));
    const { code, stderr } = await cityplan('plan', dir, '--out', join(scratch(), 'a'));
    expect(code).toBe(1);
    expect(stderr).toContain('services/: holds no service files, but the lock records 7 services');
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(readFileSync('examples/justice/cityplan.lock.json', 'utf8'));
  });
});
