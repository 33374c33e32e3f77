import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cityplan } from '../support/cli';
import { scratchFolders } from '../support/scratch';

const scratch = scratchFolders('cityplan-import-');

/** A copy of a fixture application that a test may break. */
function copyApp(name: string): string {
  const dir = join(scratch(), name);
  cpSync(join('test/fixtures/copilot', name), dir, { recursive: true });
  return dir;
}

describe('cityplan import copilot', () => {
  it('writes the estate and prints estate, services, unmapped and secrets with --json', async () => {
    const out = join(scratch(), 'estate');
    const { code, stdout, stderr } = await cityplan('import', 'copilot', 'test/fixtures/copilot/simple', '--out', out, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json.estate).toBe('hello');
    expect(json.services).toEqual([
      { name: 'hello', kind: 'web', copilot: 'hello', file: 'services/hello.yaml', from: 'copilot/hello/manifest.yml' },
      { name: 'listener', kind: 'worker', copilot: 'listener', file: 'services/listener.yaml', from: 'copilot/listener/manifest.yml' },
      { name: 'tidy', kind: 'job', copilot: 'tidy', file: 'services/tidy.yaml', from: 'copilot/tidy/manifest.yml' },
    ]);
    for (const u of json.unmapped) expect(Object.keys(u).sort()).toEqual(['field', 'file', 'todo', 'why']);
    expect(json.secrets).toEqual([expect.objectContaining({ service: 'hello', environment: 'staging', name: 'API_TOKEN', to: 'hello/staging/hello/API_TOKEN' })]);
    expect(readdirSync(out).sort()).toEqual(['.gitignore', 'IMPORT.md', 'estate.yaml', 'services']);
  });

  it('prints the secret copy commands and where the report is', async () => {
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', 'test/fixtures/copilot/simple', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain(`see ${out}/IMPORT.md`);
    expect(stdout).toContain(`aws ssm get-parameter --name '/copilot/hello/staging/secrets/api_token'`);
  });

  it('prints every secret IMPORT.md lists, those to copy and those to type in, with their counts', async () => {
    const app = copyApp('simple');
    const manifest = join(app, 'copilot/hello/manifest.yml');
    writeFileSync(manifest, readFileSync(manifest, 'utf8').replace('variables:\n', 'variables:\n  DB_PASSWORD: hunter2\n'));
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('copy its secrets from where Copilot read them (1):');
    expect(stdout).toContain('type a new value for each secret that was written in a Copilot manifest, then rotate the old one (1):');
    const commands = stdout.split('\n').filter((l) => l.startsWith('  (')).map((l) => l.trim());
    expect(commands).toHaveLength(2);
    for (const c of commands) expect(readFileSync(join(out, 'IMPORT.md'), 'utf8')).toContain(c);
    expect(stdout).not.toContain('hunter2');
  });

  it('refuses a folder without copilot/, naming it, and writes nothing', async () => {
    const app = scratch();
    const out = join(scratch(), 'estate');
    const { code, stdout, stderr } = await cityplan('import', 'copilot', app, '--out', out, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).problems).toEqual([expect.objectContaining({ file: 'copilot', message: expect.stringContaining('has no copilot folder') })]);
    expect(stderr).toContain('copilot: ');
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a manifest that is not valid YAML with its file and line, and writes nothing', async () => {
    const app = copyApp('simple');
    writeFileSync(join(app, 'copilot/tidy/manifest.yml'), 'name: tidy\ntype: Scheduled Job\non:\n  schedule: "@daily"\n  schedule: "@hourly"\n');
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', out, '--json');
    expect(code).toBe(1);
    const [problem] = JSON.parse(stdout).problems;
    expect(problem).toMatchObject({ file: 'copilot/tidy/manifest.yml', line: 5 });
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual([]);
  });

  it('refuses an unknown workload type, naming the file, the field and the known types', async () => {
    const app = copyApp('simple');
    writeFileSync(join(app, 'copilot/tidy/manifest.yml'), 'name: tidy\ntype: Lambda Function\n');
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', out, '--json');
    expect(code).toBe(1);
    expect(JSON.parse(stdout).problems).toEqual([
      {
        file: 'copilot/tidy/manifest.yml',
        line: 2,
        column: 7,
        field: 'type',
        message: "'Lambda Function' is not a Copilot workload type; known types: Load Balanced Web Service, Backend Service, Worker Service, Scheduled Job, Request-Driven Web Service, Static Site",
      },
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a non-empty --out, touching nothing in it; an empty one is used', async () => {
    const out = scratch();
    writeFileSync(join(out, 'notes.txt'), 'mine');
    const refused = await cityplan('import', 'copilot', 'test/fixtures/copilot/simple', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not empty');
    expect(readdirSync(out)).toEqual(['notes.txt']);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine');

    const empty = join(scratch(), 'empty');
    mkdirSync(empty);
    expect((await cityplan('import', 'copilot', 'test/fixtures/copilot/simple', '--out', empty)).code).toBe(0);
    expect(existsSync(join(empty, 'estate.yaml'))).toBe(true);
  });

  it('writes, then says so and lists the problems, when Copilot allowed what cityplan refuses (one alias on two services)', async () => {
    const app = copyApp('simple');
    const manifest = join(app, 'copilot/hello/manifest.yml');
    writeFileSync(manifest, `${readFileSync(manifest, 'utf8').replace("healthcheck: /health", "healthcheck: /health\n  alias: hello.example.org")}`);
    mkdirSync(join(app, 'copilot/hello2'));
    writeFileSync(join(app, 'copilot/hello2/manifest.yml'), 'name: hello2\ntype: Load Balanced Web Service\nimage:\n  location: public.ecr.aws/nginx/nginx:1.27\n  port: 8080\nhttp:\n  alias: hello.example.org\n');
    const out = join(scratch(), 'estate');
    const { code, stderr } = await cityplan('import', 'copilot', app, '--out', out);
    expect(code).toBe(1);
    expect(stderr).toContain(`the estate is written to ${out} (see IMPORT.md), but does not validate yet`);
    expect(stderr).toMatch(/services\/hello2\.yaml:\d+:\d+: hostnames\[0\]: hello\.example\.org is already used by service hello/);
    expect(existsSync(join(out, 'IMPORT.md'))).toBe(true);
  });

  it('is a usage error without --out', async () => {
    const { code, stderr } = await cityplan('import', 'copilot', 'test/fixtures/copilot/simple');
    expect(code).toBe(2);
    expect(stderr).toContain("required option '--out <dir>'");
    // import without what to import from shows its help, as a usage error.
    const bare = await cityplan('import');
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('copilot [options] <app-dir>');
    expect((await cityplan('import', 'heroku', 'app')).code).toBe(2);
  });
});

describe('cityplan import copilot: what the first trial found', () => {
  it('gives the line and column of a YAML error in an addon template, each error once, headed as the Copilot application', async () => {
    const app = copyApp('simple');
    mkdirSync(join(app, 'copilot/hello/addons'), { recursive: true });
    writeFileSync(join(app, 'copilot/hello/addons/bad.yml'), 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: a\n');
    writeFileSync(join(app, 'copilot/hello/addons/dup.yml'), 'Resources:\n  A:\n    Type: AWS::S3::Bucket\n  A:\n    Type: AWS::S3::Bucket\n');
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', out, '--json');
    expect(code).toBe(1);
    const problems = JSON.parse(stdout).problems as Array<{ file: string; line: number | null; column: number | null; message: string }>;
    const bad = problems.filter((p) => p.file === 'copilot/hello/addons/bad.yml');
    expect(bad.length).toBeGreaterThan(0);
    for (const p of bad) expect(p.line).toBeGreaterThanOrEqual(4);
    expect(problems.find((p) => p.file === 'copilot/hello/addons/dup.yml')).toMatchObject({ line: 4, column: 3, message: expect.stringMatching(/^is not valid YAML: Map keys must be unique$/) });
    const text = await cityplan('import', 'copilot', app, '--out', out);
    expect(text.stderr).toMatch(/^cityplan: the Copilot application has \d+ problems:/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a workload folder it did not import: manifest.yaml, or no manifest at all', async () => {
    const app = copyApp('simple');
    mkdirSync(join(app, 'copilot/web'));
    writeFileSync(join(app, 'copilot/web/manifest.yaml'), 'name: web\ntype: Backend Service\nimage:\n  location: public.ecr.aws/nginx/nginx:1.27\n');
    mkdirSync(join(app, 'copilot/notes'));
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', out, '--json');
    expect(code).toBe(0);
    const unmapped = JSON.parse(stdout).unmapped as Array<{ file: string; why: string; todo: string }>;
    expect(unmapped).toContainEqual(expect.objectContaining({ file: 'copilot/web/manifest.yaml', why: expect.stringContaining('manifest.yml only'), todo: expect.stringContaining('rename it to copilot/web/manifest.yml') }));
    expect(unmapped).toContainEqual(expect.objectContaining({ file: 'copilot/notes', why: expect.stringContaining('has no manifest.yml') }));
    expect(readFileSync(join(out, 'IMPORT.md'), 'utf8')).toContain('| copilot/web/manifest.yaml |');
  });

  it('says a placeholder environment is one, in IMPORT.md, and that no workload was imported', async () => {
    const app = scratch();
    mkdirSync(join(app, 'copilot/web'), { recursive: true });
    const out = join(scratch(), 'estate');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('no workload was imported');
    expect(stdout).toMatch(/^\d+ fields did not map or were approximated/m);
    const report = readFileSync(join(out, 'IMPORT.md'), 'utf8');
    expect(report).toContain('| `staging` | none: a placeholder');
    expect(report).not.toContain('| `staging` | `staging` |');
  });

  it('refuses --out inside the copilot folder, and a missing application folder, as usage errors', async () => {
    const app = copyApp('simple');
    const inside = await cityplan('import', 'copilot', app, '--out', join(app, 'copilot', 'estate'));
    expect(inside.code).toBe(2);
    expect(inside.stderr).toContain("is inside the application's copilot folder");
    expect(existsSync(join(app, 'copilot', 'estate'))).toBe(false);
    const missing = await cityplan('import', 'copilot', join(app, 'nope'), '--out', join(scratch(), 'estate'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope does not exist');
  });

  it('gives the line of a name two workloads share, and says a type written as a list must be text', async () => {
    const app = copyApp('simple');
    mkdirSync(join(app, 'copilot/hello2'));
    writeFileSync(join(app, 'copilot/hello2/manifest.yml'), 'name: hello\ntype: Backend Service\nimage:\n  location: public.ecr.aws/nginx/nginx:1.27\n');
    mkdirSync(join(app, 'copilot/listy'));
    writeFileSync(join(app, 'copilot/listy/manifest.yml'), 'name: listy\ntype: [Backend Service]\n');
    const { code, stdout } = await cityplan('import', 'copilot', app, '--out', join(scratch(), 'estate'), '--json');
    expect(code).toBe(1);
    const problems = JSON.parse(stdout).problems;
    expect(problems).toContainEqual(expect.objectContaining({ file: 'copilot/listy/manifest.yml', line: 2, field: 'type', message: expect.stringMatching(/^must be one type written as text/) }));
    // The folders are read in name order, so hello2's name is the one reported.
    expect(problems).toContainEqual(expect.objectContaining({ file: 'copilot/hello2/manifest.yml', line: 1, field: 'name', message: expect.stringContaining("is imported as service 'hello'") }));
  });
});
