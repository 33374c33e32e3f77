/**
 * AWS regions as aws-cdk-lib's region information knows them (`RegionInfo.regions`), so that a
 * region AWS would reject (`eu-south-9`, `eu-west2`, `london`) is reported at its line instead of
 * failing a deploy, and so that every environment stays in the partition of the estate.
 *
 * A region AWS opened after the installed aws-cdk-lib was released is refused until an upgrade of
 * aws-cdk-lib lists it: a typo is far likelier than a region days old. Hence the message says the
 * region is not one cityplan knows, not that AWS has no such region.
 */
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { closest } from './shape';

/** Region name → its partition (`aws`, `aws-cn`, `aws-us-gov`, …), sorted by name. */
const PARTITIONS: ReadonlyMap<string, string> = new Map(
  RegionInfo.regions
    .flatMap((r) => (r.partition ? [[r.name, r.partition] as const] : []))
    .sort(([a], [b]) => a.localeCompare(b)),
);

/** How many regions a message lists at most, so that it stays one readable line. */
const LISTED = 8;

/** Every region cityplan accepts, sorted: for the JSON Schema's `enum`, so editors complete them. */
export function knownRegions(): string[] {
  return [...PARTITIONS.keys()];
}

/** The partition of a known region (`aws` for eu-west-2, `aws-cn` for cn-north-1); undefined if unknown. */
export function partitionOf(region: string): string | undefined {
  return PARTITIONS.get(region);
}

/**
 * What is wrong with a region, with a "did you mean" when a known region is one typo away, and the
 * known regions of the same geography (the part before the direction: `eu`, `ap`, `us-gov`) or
 * else what region codes look like; undefined when the region is known.
 */
export function regionProblem(region: string): string | undefined {
  if (PARTITIONS.has(region)) return undefined;
  if (PARTITIONS.has(region.toLowerCase())) return `region codes are lower case: ${region.toLowerCase()}`;
  const known = knownRegions();
  const near = closest(region, known);
  const unknown = `${region} is not an AWS region cityplan knows${near ? `; did you mean ${near}?` : ''}`;
  const sameArea = known.filter((r) => geography(r) === geography(region));
  if (sameArea.length === 0) {
    if (near) return unknown;
    const starts = [...new Set(known.map((r) => r.split('-')[0]!))];
    return `${unknown}; region codes look like eu-west-2 or us-east-1 and start with ${starts.slice(0, -1).join(', ')} or ${starts.at(-1)}`;
  }
  // Regions that share the direction too (eu-south-1, eu-south-2 for eu-south-9) come first.
  const listed = byDirection(sameArea, region);
  return `${unknown} (regions: ${listed.length > LISTED ? `${listed.slice(0, LISTED).join(', ')}, …` : listed.join(', ')})`;
}

/**
 * That an environment's region is in the estate's partition: the delivery account's pipelines and
 * image repositories live in the estate's region, and AWS partitions share no accounts, roles or
 * repositories. Undefined when both are in one partition or either is unknown (`regionProblem`
 * reports that).
 */
export function partitionProblem(environmentRegion: string, estateRegion: string): string | undefined {
  const [env, estate] = [partitionOf(environmentRegion), partitionOf(estateRegion)];
  if (!env || !estate || env === estate) return undefined;
  // us-west-1 for us-gov-west-1 in a commercial estate; else the estate's own region.
  const country = environmentRegion.split('-')[0];
  const alike = byDirection(knownRegions().filter((r) => partitionOf(r) === estate && r.split('-')[0] === country), environmentRegion)[0] ?? estateRegion;
  return (
    `${environmentRegion} is in the ${env} partition but the estate's region ${estateRegion} is in ${estate}; ` +
    `pipelines cannot deploy across partitions, so use an ${estate} region such as ${alike}, or a separate estate for ${env}`
  );
}

/** `regions` with those in the direction of `region` first. */
function byDirection(regions: readonly string[], region: string): string[] {
  const direction = directionOf(region);
  return [...regions.filter((r) => directionOf(r) === direction), ...regions.filter((r) => directionOf(r) !== direction)];
}

/** `eu` for eu-west-2, `us-gov` for us-gov-west-1, `eu-isoe` for eu-isoe-west-1; the whole text if not region-shaped. */
function geography(region: string): string {
  return /^(.+)-[a-z]+-\d+$/.exec(region)?.[1] ?? region;
}

/** `west` for eu-west-2, `southeast` for ap-southeast-2. */
function directionOf(region: string): string {
  return region.slice(geography(region).length + 1).replace(/-\d+$/, '');
}
