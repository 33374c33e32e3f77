import { RegionInfo } from 'aws-cdk-lib/region-info';
import { describe, expect, it } from 'vitest';
import { loadEstate } from '../../src/manifest/load';
import { EstateError, type Problem } from '../../src/manifest/problems';
import { knownRegions, partitionOf, partitionProblem, regionProblem } from '../../src/manifest/region';
import { availabilityZones, availableZoneCount } from '../../src/naming/names';
import { MINIMAL_ESTATE, writeEstate } from '../support/estate-files';

describe('regionProblem', () => {
  it('accepts every region aws-cdk-lib knows, in every partition', () => {
    const regions = RegionInfo.regions.map((r) => r.name);
    expect(regions).toEqual(expect.arrayContaining(['eu-west-2', 'us-east-1', 'cn-north-1', 'us-gov-west-1']));
    for (const region of regions) expect(regionProblem(region), region).toBeUndefined();
    expect(knownRegions()).toEqual([...regions].sort());
  });

  it('refuses a region-shaped code AWS does not have, with the nearest region and its neighbours', () => {
    expect(regionProblem('eu-south-9')).toBe(
      'eu-south-9 is not an AWS region cityplan knows; did you mean eu-south-1? ' +
        '(regions: eu-south-1, eu-south-2, eu-central-1, eu-central-2, eu-north-1, eu-west-1, eu-west-2, eu-west-3)',
    );
    expect(regionProblem('us-gov-west-2')).toBe(
      'us-gov-west-2 is not an AWS region cityplan knows; did you mean us-gov-west-1? (regions: us-gov-west-1, us-gov-east-1)',
    );
  });

  it('keeps the list of a large geography to eight regions', () => {
    const message = regionProblem('ap-southeast-9')!;
    expect(message).toMatch(/did you mean ap-southeast-1\?/);
    expect(message).toMatch(/\(regions: ap-southeast-1, ap-southeast-2, .*, …\)$/);
    expect(message.match(/\(regions: (.*)\)/)![1]!.split(', ')).toHaveLength(9);
  });

  it('suggests the code for a typo and says what codes look like for a name', () => {
    expect(regionProblem('eu-west2')).toBe('eu-west2 is not an AWS region cityplan knows; did you mean eu-west-2?');
    expect(regionProblem('EU-WEST-2')).toBe('region codes are lower case: eu-west-2');
    expect(regionProblem('london')).toMatch(/^london is not an AWS region cityplan knows; region codes look like eu-west-2 or us-east-1 and start with af, ap, .* or us$/);
  });
});

describe('partitionProblem', () => {
  it('knows each region’s partition from aws-cdk-lib', () => {
    expect(partitionOf('eu-west-2')).toBe('aws');
    expect(partitionOf('cn-north-1')).toBe('aws-cn');
    expect(partitionOf('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionOf('eu-south-9')).toBeUndefined();
  });

  it('refuses an environment in another partition than the estate, offering a region of the estate’s', () => {
    expect(partitionProblem('eu-west-1', 'eu-west-2')).toBeUndefined();
    expect(partitionProblem('cn-northwest-1', 'cn-north-1')).toBeUndefined();
    expect(partitionProblem('us-gov-west-1', 'us-east-1')).toBe(
      "us-gov-west-1 is in the aws-us-gov partition but the estate's region us-east-1 is in aws; " +
        'pipelines cannot deploy across partitions, so use an aws region such as us-west-1, or a separate estate for aws-us-gov',
    );
    expect(partitionProblem('cn-north-1', 'eu-west-2')).toMatch(/use an aws region such as eu-west-2/);
  });

  it('leaves unknown regions to regionProblem', () => {
    expect(partitionProblem('eu-south-9', 'cn-north-1')).toBeUndefined();
    expect(partitionProblem('cn-north-1', 'london')).toBeUndefined();
  });
});

describe('zones of the regions cityplan accepts', () => {
  it('name at least two zones in every known region, each a zone of that region', () => {
    for (const region of knownRegions()) {
      const count = availableZoneCount(region);
      expect(count, region).toBeGreaterThanOrEqual(2);
      const zones = availabilityZones(region, count);
      expect(new Set(zones).size, region).toBe(count);
      for (const zone of zones) expect(zone, region).toMatch(new RegExp(`^${region}[a-z]$`));
    }
  });
});

describe('regions through loadEstate', () => {
  function problemsOf(estate: string): readonly Problem[] {
    try {
      loadEstate(writeEstate({ 'estate.yaml': estate }));
    } catch (e) {
      if (e instanceof EstateError) return e.problems;
      throw e;
    }
    throw new Error('the estate loaded without problems');
  }

  it('points at the line and field of an unknown estate or environment region', () => {
    const estate = MINIMAL_ESTATE.replace('region: eu-west-2', 'region: eu-south-9').replace(
      '    domain: staging.example.gov.uk\n',
      '    domain: staging.example.gov.uk\n    region: eu-wset-1\n',
    );
    expect(problemsOf(estate)).toEqual([
      expect.objectContaining({ file: 'estate.yaml', line: 3, field: 'region', message: expect.stringMatching(/^eu-south-9 is not an AWS region cityplan knows; did you mean eu-south-1\?/) }),
      expect.objectContaining({ file: 'estate.yaml', line: 13, field: 'environments.staging.region', message: expect.stringMatching(/did you mean eu-west-1\?/) }),
    ]);
  });

  it('points at an environment region in another partition, alongside other problems', () => {
    const estate = MINIMAL_ESTATE.replace('    domain: example.gov.uk\n', '    domain: example.gov.uk\n    region: cn-north-1\n').replace(
      'owner: platform@example.gov.uk',
      'owner: not-an-email',
    );
    expect(problemsOf(estate)).toEqual([
      expect.objectContaining({ file: 'estate.yaml', line: 2, field: 'owner' }),
      expect.objectContaining({
        file: 'estate.yaml',
        line: 16,
        field: 'environments.production.region',
        message: expect.stringMatching(/^cn-north-1 is in the aws-cn partition but the estate's region eu-west-2 is in aws/),
      }),
    ]);
  });
});
