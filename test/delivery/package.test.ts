import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { planEstate } from '../../src/estate/plan';
import { copyExample } from '../support/estate-files';

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}
const fresh = (what: string) => join(tmpdir(), `cityplan-${what}-${process.pid}-${Math.random().toString(36).slice(2)}`);

describe('cityplan package', () => {
  it('writes exactly the template the estate plan has for the service, and the image tag as its parameter', async () => {
    // GIVEN the example estate, planned (its lock committed as it is)
    const dir = copyExample();
    const assembly = fresh('assembly');
    await planEstate(dir, { out: assembly });
    const lock = readFileSync(join(dir, 'cityplan.lock.json'), 'utf8');
    // WHEN the pipeline packages find-a-court for production at a commit
    const out = fresh('package');
    const { code, stdout } = await cli('package', dir, '--service', 'find-a-court', '--env', 'production', '--image-tag', '3f2a9c1', '--out', out);
    expect(code).toBe(0);
    expect(stdout).toContain('justice-production-find-a-court');
    // THEN the template is byte for byte the plan's, and the configuration sets the image tag
    expect(readdirSync(out).sort()).toEqual(['justice-production-find-a-court.config.json', 'justice-production-find-a-court.template.json']);
    expect(readFileSync(join(out, 'justice-production-find-a-court.template.json'), 'utf8')).toBe(
      readFileSync(join(assembly, 'justice-production-find-a-court.template.json'), 'utf8'),
    );
    expect(JSON.parse(readFileSync(join(out, 'justice-production-find-a-court.config.json'), 'utf8'))).toEqual({ Parameters: { ImageTag: '3f2a9c1' } });
    // AND the lock is left as committed
    expect(readFileSync(join(dir, 'cityplan.lock.json'), 'utf8')).toBe(lock);
  });

  it('gives an image service no image tag: it runs what its manifest names', async () => {
    const dir = copyExample();
    const out = fresh('package');
    const services = readdirSync(join(dir, 'services')).map((f) => readFileSync(join(dir, 'services', f), 'utf8'));
    const image = services.map((s) => /^name: (.*)$/m.exec(s)![1]!).find((_, i) => /^image:/m.test(services[i]!));
    if (!image) return expect.fail('the example estate has an image service');
    expect((await cli('package', dir, '--service', image, '--env', 'staging', '--image-tag', 'manifest', '--out', out)).code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, `justice-staging-${image}.config.json`), 'utf8'))).toEqual({ Parameters: {} });
  });

  it('refuses a service the committed lock has not placed, and a tag that is not one, writing nothing', async () => {
    const dir = copyExample();
    const out = fresh('package');
    const bad = await cli('package', dir, '--service', 'find-a-court', '--env', 'staging', '--image-tag', 'not a tag', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--image-tag must be an image tag');
    const latest = await cli('package', dir, '--service', 'find-a-court', '--env', 'staging', '--image-tag', 'latest', '--out', out);
    expect(latest.code).toBe(2);
    expect(latest.stderr).toContain("--image-tag latest is not an image the pipeline builds: its repository's tags are immutable");
    const missing = await cli('package', dir, '--service', 'no-such', '--env', 'staging', '--image-tag', 'abc', '--out', out);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no service 'no-such' in environment staging");
    expect(existsSync(out)).toBe(false);
  });

  it('names the --out path it cannot write to', async () => {
    const dir = copyExample();
    const file = fresh('afile');
    writeFileSync(file, 'in the way');
    const { code, stderr } = await cli('package', dir, '--service', 'find-a-court', '--env', 'staging', '--image-tag', 'abc', '--out', join(file, 'x'));
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot write the packaged templates to ${join(file, 'x')}: a part of the path is a file`);
  });

  it('tells a service the committed lock has not placed as the state of the estate (exit 1), saying to plan first', async () => {
    const dir = copyExample();
    writeFileSync(join(dir, 'services', 'new-thing.yaml'), 'name: new-thing\nkind: worker\nowner: team@example.gov.uk\nimage: public.ecr.aws/nginx/nginx:1.27\n');
    const { code, stderr } = await cli('package', dir, '--service', 'new-thing', '--env', 'staging', '--image-tag', 'abc', '--out', fresh('package'));
    expect(code).toBe(1);
    expect(stderr).toContain('new-thing is not placed in staging by the lock as committed');
    expect(stderr).toContain('plan first');
  });
});
