import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { deliveryBuildSpec, shellQuote, verifyVariables } from '../../src/delivery/buildspec';
import { prepareEstate } from '../../src/estate/prepare';
import { loadEstate } from '../../src/manifest/load';
import { EstateError } from '../../src/manifest/problems';
import { estateProblems } from '../support/problems';
import { MINIMAL_ESTATE, webService, writeEstate } from '../support/estate-files';

describe('the buildspec made from a manifest', () => {
  it('quotes what the manifest says so that the shell runs it as written', () => {
    // A test command with quotes and a $ the team meant literally
    const command = `sh -c 'echo "$HOME" it'"'"'s ok'`;
    expect(execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(command)}`], { encoding: 'utf8' })).toBe(command);
  });

  it('builds, tests and pushes a source service, and records its image only after the verify step’s smoke check', () => {
    const spec = loadEstate(
      writeEstate({
        'estate.yaml': MINIMAL_ESTATE,
        'services/visits.yaml': webService('visits', "  dockerfile: app/Dockerfile\n  test: npm test -- --ci\nhealth: /ping\n"),
      }),
    );
    const targets = spec.environments.map((environment) => ({ environment, service: spec.services.get(environment.name)![0]! }));
    const spec0 = deliveryBuildSpec({ estate: 'test', targets });
    const script = (spec0.phases as { build: { commands: string[] } }).build.commands.join('\n');
    expect(script).toContain("docker build --file 'app/Dockerfile'");
    expect(script).toContain(`-c 'npm test -- --ci'`);
    expect(script).toContain('--service visits --env staging --image-tag "$IMAGE_TAG"');
    expect(script).toContain('--service visits --env production --image-tag "$IMAGE_TAG"');
    expect(script.indexOf('curl --fail')).toBeLessThan(script.indexOf('aws ssm put-parameter'));
    const verify = verifyVariables('test', targets[1]!.environment, targets[1]!.service, 'arn:role');
    expect(verify).toMatchObject({ SMOKE_URL: 'https://visits.example.gov.uk/ping', LAST_IMAGE_PARAMETER: '/cityplan/test/delivery/visits/production/image-tag' });
    expect(verify).not.toHaveProperty('TARGET_ROLE_ARN');
  });
});

describe('pipelines and regions', () => {
  it('are refused for an environment outside the delivery account’s region, naming the field', () => {
    const estate = MINIMAL_ESTATE.replace(/(connectionArn: .*)\n/, '$1\n  repo: example/estate\n').replace('    domain: staging.example.gov.uk\n', '    domain: staging.example.gov.uk\n    region: eu-west-1\n');
    const dir = writeEstate({ 'estate.yaml': estate });
    expect(() => prepareEstate(dir)).toThrow(EstateError);
    try {
      prepareEstate(dir);
    } catch (e) {
      expect((e as EstateError).problems).toEqual([
        expect.objectContaining({ file: 'estate.yaml', line: 14, field: 'environments.staging.region', message: expect.stringMatching(/^is eu-west-1, but service pipelines \(delivery.repo\) deploy only to environments in the estate's region eu-west-2/) }),
      ]);
    }
  });
});

describe('the delivery name', () => {
  it('is no environment’s: the delivery stacks are named after it', () => {
    const problems = estateProblems({ 'estate.yaml': MINIMAL_ESTATE.replace('  staging:\n', '  delivery:\n') });
    expect(problems.map((p) => `${p.field}: ${p.message}`)).toContain(
      "environments.delivery: 'delivery' is reserved for the delivery account's stacks; name the environment otherwise, such as delivery-env",
    );
  });
});
