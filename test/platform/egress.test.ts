import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { Egress } from '../../src/manifest/spec';
import { egressResources, INTERFACE_ENDPOINTS } from '../../src/platform/egress-plan';
import { compile } from '../support/compile';
import { STAGING_ESTATE, webService } from '../support/estate-files';
import { estateProblems } from '../support/problems';
import { readAssembly } from '../support/cloudformation';
import { EstateHistory } from '../support/history';

/** An estate of one environment, `staging`, with this egress mode and zone count. */
const estate = (egress: Egress | undefined, zones = 2, region?: string) =>
  STAGING_ESTATE.replace(
    /domain: staging\.example\.gov\.uk\n$/,
    `domain: staging.example.gov.uk\n    zones: ${zones}${egress ? `\n    egress: ${egress}` : ''}${region ? `\n    region: ${region}` : ''}\n`,
  );

const SEARCH_IMAGE = '444444444444.dkr.ecr.eu-west-2.amazonaws.com/search:1.4';
const services = {
  'services/visits.yaml': webService('visits', 'calls: [search]\n'),
  'services/search.yaml': `name: search\nkind: backend\nowner: team@example.gov.uk\nimage: ${SEARCH_IMAGE}\n`,
};

const foundations = new Map<Egress, Template>();
const builds = new Map<Egress, ReturnType<typeof compile>>();
for (const mode of ['nat', 'nat-single', 'endpoints'] as const) {
  const built = compile({ 'estate.yaml': estate(mode, 3), ...services });
  builds.set(mode, built);
  foundations.set(mode, built.template('test-staging-foundation'));
}
const foundation = (mode: Egress) => foundations.get(mode)!;

type Resources = Record<string, { Properties: Record<string, unknown> }>;
const ref = (id: string) => ({ Ref: id });

/** Logical ids of the subnets of one group (`tasks`, `ingress`), as CDK tags them. */
function subnetsOf(t: Template, group: string): string[] {
  const subnets = t.findResources('AWS::EC2::Subnet') as Resources;
  return Object.keys(subnets)
    .filter((id) => (subnets[id]!.Properties.Tags as Array<{ Key: string; Value: string }>).some((tag) => tag.Key === 'aws-cdk:subnet-name' && tag.Value === group))
    .sort();
}

/** The routes of each task subnet's route table, by subnet logical id. */
function taskRoutes(t: Template): Map<string, Array<Record<string, unknown>>> {
  const associations = Object.values(t.findResources('AWS::EC2::SubnetRouteTableAssociation') as Resources);
  const routes = Object.values(t.findResources('AWS::EC2::Route') as Resources).map((r) => r.Properties);
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const subnet of subnetsOf(t, 'tasks')) {
    const table = associations.find((a) => JSON.stringify(a.Properties.SubnetId) === JSON.stringify(ref(subnet)))!.Properties.RouteTableId;
    out.set(subnet, routes.filter((r) => JSON.stringify(r.RouteTableId) === JSON.stringify(table)));
  }
  return out;
}

describe('egress nat and nat-single', () => {
  it('nat: a NAT gateway in each zone, and each task subnet routes out through its own zone’s', () => {
    const t = foundation('nat');
    t.resourceCountIs('AWS::EC2::NatGateway', 3);
    const nats = t.findResources('AWS::EC2::NatGateway') as Resources;
    const subnets = t.findResources('AWS::EC2::Subnet') as Resources;
    const used = new Set<string>();
    for (const [subnet, routes] of taskRoutes(t)) {
      expect(routes).toHaveLength(1);
      expect(routes[0]!.DestinationCidrBlock).toBe('0.0.0.0/0');
      const nat = (routes[0]!.NatGatewayId as { Ref: string }).Ref;
      used.add(nat);
      const natSubnet = (nats[nat]!.Properties.SubnetId as { Ref: string }).Ref;
      expect(subnets[natSubnet]!.Properties.AvailabilityZone).toBe(subnets[subnet]!.Properties.AvailabilityZone);
    }
    expect(used.size).toBe(3);
  });

  it('nat-single: one NAT gateway every task subnet routes out through', () => {
    const t = foundation('nat-single');
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.resourceCountIs('AWS::EC2::EIP', 1);
    const [nat] = Object.keys(t.findResources('AWS::EC2::NatGateway'));
    for (const routes of taskRoutes(t).values()) expect(routes).toEqual([expect.objectContaining({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: ref(nat!) })]);
  });

  it('has no interface endpoints, only the S3 gateway endpoint', () => {
    for (const mode of ['nat', 'nat-single'] as const) {
      const endpoints = Object.values(foundation(mode).findResources('AWS::EC2::VPCEndpoint') as Resources);
      expect(endpoints.map((e) => e.Properties.VpcEndpointType)).toEqual(['Gateway']);
      expect(egressResources(mode, 3)).toMatchObject({ interfaceEndpoints: [], gatewayEndpoints: ['s3'] });
    }
  });
});

describe('egress endpoints', () => {
  const t = foundation('endpoints');
  const tasks = subnetsOf(t, 'tasks');
  const endpoints = t.findResources('AWS::EC2::VPCEndpoint') as Resources;
  const interfaces = Object.values(endpoints).filter((e) => e.Properties.VpcEndpointType === 'Interface');

  it('has no NAT gateway, no Elastic IP and no route out of the task subnets', () => {
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::EIP', 0);
    for (const routes of taskRoutes(t).values()) expect(routes).toEqual([]);
    // Load balancers still face the internet from the public subnets.
    const routes = Object.values(t.findResources('AWS::EC2::Route') as Resources).map((r) => r.Properties);
    expect(routes.every((r) => 'GatewayId' in r)).toBe(true);
    expect(routes).toHaveLength(subnetsOf(t, 'ingress').length);
  });

  it('reaches each AWS API the environment calls through an interface endpoint with private DNS, in every task subnet', () => {
    const names = interfaces.map((e) => e.Properties.ServiceName).sort();
    const expected = ['ecr.api', 'ecr.dkr', 'logs', 'secretsmanager', 'kms', 'ssm', 'ecs', 'ec2', 'sns', 'sqs', 'acm'];
    expect(names).toEqual(expected.map((s) => `com.amazonaws.eu-west-2.${s}`).sort());
    expect(INTERFACE_ENDPOINTS.map((e) => e.service).sort()).toEqual([...expected].sort());
    for (const e of interfaces) {
      expect(e.Properties.PrivateDnsEnabled).toBe(true);
      expect((e.Properties.SubnetIds as Array<{ Ref: string }>).map((s) => s.Ref).sort()).toEqual(tasks);
    }
    expect(egressResources('endpoints', 3)).toEqual({ natGateways: 0, interfaceEndpoints: INTERFACE_ENDPOINTS.map((e) => e.service), interfaceEndpointZones: expected.length * 3, gatewayEndpoints: ['s3', 'dynamodb'] });
  });

  it('lets HTTPS in to the endpoints from the VPC’s address range only', () => {
    const groups = new Set(interfaces.flatMap((e) => (e.Properties.SecurityGroupIds as Array<{ 'Fn::GetAtt': string[] }>).map((g) => g['Fn::GetAtt'][0])));
    expect(groups.size).toBe(1);
    const [group] = [...groups];
    const sg = (t.findResources('AWS::EC2::SecurityGroup') as Resources)[group!]!.Properties;
    const [vpc] = Object.values(t.findResources('AWS::EC2::VPC') as Resources);
    expect(sg.SecurityGroupIngress).toEqual([expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: vpc!.Properties.CidrBlock })]);
    expect(vpc!.Properties.CidrBlock).toBe('10.0.0.0/16');
    // No other rule anywhere lets traffic in to that group.
    const extra = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress') as Resources).filter((r) => JSON.stringify(r.Properties.GroupId).includes(group!));
    expect(extra).toEqual([]);
  });

  it('keeps the S3 gateway endpoint’s logical id and adds DynamoDB’s, on the task subnets’ route tables', () => {
    const s3 = (m: Egress) => Object.keys(foundation(m).findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Gateway', ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] } } }));
    expect(s3('endpoints')).toEqual(s3('nat'));
    expect(s3('nat')).toHaveLength(1);
    const dynamodb = Object.values(endpoints).find((e) => JSON.stringify(e.Properties.ServiceName).includes('.dynamodb'))!;
    const tables = [...taskRoutes(t).keys()].map((subnet) => {
      const a = Object.values(t.findResources('AWS::EC2::SubnetRouteTableAssociation') as Resources).find((x) => JSON.stringify(x.Properties.SubnetId) === JSON.stringify(ref(subnet)))!;
      return JSON.stringify(a.Properties.RouteTableId);
    });
    expect((dynamodb.Properties.RouteTableIds as unknown[]).map((r) => JSON.stringify(r)).sort()).toEqual(tables.sort());
  });

  it('runs the responder in the task subnets', () => {
    const [fn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'test-staging-responder' } }) as Resources);
    expect(((fn!.Properties.VpcConfig as { SubnetIds: Array<{ Ref: string }> }).SubnetIds).map((s) => s.Ref).sort()).toEqual(tasks);
  });
});

describe('a change of egress mode', () => {
  it('keeps the subnets (logical ids, zones, address ranges) and what the foundation publishes about them', () => {
    // A subnet's AvailabilityZone, CidrBlock and VpcId require replacement: none may change.
    const shape = (t: Template) =>
      Object.fromEntries(Object.entries(t.findResources('AWS::EC2::Subnet') as Resources).map(([id, s]) => [id, [s.Properties.AvailabilityZone, s.Properties.CidrBlock, s.Properties.VpcId]]));
    const parameters = (t: Template) =>
      Object.values(t.findResources('AWS::SSM::Parameter') as Resources)
        .map((p) => p.Properties)
        .filter((p) => /subnet|vpc/.test(String(p.Name)));
    expect(shape(foundation('endpoints'))).toEqual(shape(foundation('nat')));
    expect(shape(foundation('nat-single'))).toEqual(shape(foundation('nat')));
    expect(parameters(foundation('endpoints'))).toEqual(parameters(foundation('nat')));
    expect(parameters(foundation('nat')).length).toBeGreaterThanOrEqual(8);
  });

  it('leaves every other stack byte for byte as it was', () => {
    const others = (mode: Egress) =>
      Object.fromEntries(
        builds
          .get(mode)!
          .stacks.filter((s) => s.stack.stackName !== 'test-staging-foundation')
          .map((s) => [s.stack.stackName, JSON.stringify(builds.get(mode)!.template(s.stack.stackName).toJSON())]),
      );
    const nat = others('nat');
    expect(Object.keys(nat)).toEqual(expect.arrayContaining(['test-staging-visits', 'test-staging-search']));
    expect(others('endpoints')).toEqual(nat);
    expect(others('nat-single')).toEqual(nat);
  });
});

describe('deploying a change of egress mode over a deployed environment', () => {
  it('creates the endpoints, changes the subnets in place and deletes the NAT gateways, with nothing else touched and nothing colliding', async () => {
    const history = new EstateHistory({ 'estate.yaml': estate('nat-single'), ...services });
    const before = await history.step();
    expect(before.collisions).toEqual([]);
    history.set('estate.yaml', estate('endpoints'));
    const after = await history.step();
    expect(after.collisions).toEqual([]);
    const [old, next] = [readAssembly(before.plan.assembly), readAssembly(after.plan.assembly)];
    for (const [name, stack] of next) if (name !== 'test-staging-foundation') expect(stack.template).toEqual(old.get(name)!.template);
    // CloudFormation creates new resources, updates changed ones, and deletes the old ones last
    // (cleanup), so tasks keep the NAT gateway until the endpoints exist.
    const resources = (a: typeof old) => a.get('test-staging-foundation')!.template.Resources ?? {};
    const [was, is] = [resources(old), resources(next)];
    const types = (ids: string[], from: typeof was) => [...new Set(ids.map((id) => from[id]!.Type))].sort();
    expect(types(Object.keys(is).filter((id) => !(id in was)), is)).toEqual(['AWS::EC2::SecurityGroup', 'AWS::EC2::VPCEndpoint']);
    expect(types(Object.keys(was).filter((id) => !(id in is)), was)).toEqual(['AWS::EC2::EIP', 'AWS::EC2::NatGateway', 'AWS::EC2::Route']);
    const changed = Object.keys(is).filter((id) => id in was && JSON.stringify(is[id]) !== JSON.stringify(was[id]));
    // The task subnets change only their aws-cdk:subnet-type tag (an in-place update).
    // The task subnets change only their aws-cdk:subnet-type tag (an in-place update); the
    // responder's function and role only what they wait for (the NAT routes before, the endpoints now).
    expect(types(changed, is)).toEqual(['AWS::EC2::Subnet', 'AWS::IAM::Policy', 'AWS::IAM::Role', 'AWS::Lambda::Function']);
    for (const id of changed) {
      const strip = (r: { Type: string; Properties?: Record<string, unknown> }) => ({ ...r, DependsOn: undefined, Properties: { ...r.Properties, Tags: r.Type === 'AWS::EC2::Subnet' ? undefined : r.Properties?.Tags } });
      expect(strip(is[id]!)).toEqual(strip(was[id]!));
    }
    const fn = Object.keys(is).find((id) => is[id]!.Type === 'AWS::Lambda::Function' && changed.includes(id))!;
    expect((is[fn] as { DependsOn?: string[] }).DependsOn).toEqual(expect.arrayContaining(Object.keys(is).filter((id) => is[id]!.Type === 'AWS::EC2::VPCEndpoint' && !(id in was))));
    // A plan fails on any unacknowledged AwsSolutions or NIST 800-53 R5 finding; the endpoints need no acknowledgement.
    expect(after.plan.findings.unacknowledged).toBe(0);
    expect(after.plan.findings.acknowledgements.filter((a) => a.path.includes('/Egress/'))).toEqual([]);
    expect(after.plan.findings.acknowledged).toBe(before.plan.findings.acknowledged);
    // And back: NAT gateways and routes come first, the endpoints go in cleanup; nothing collides.
    history.set('estate.yaml', estate('nat-single'));
    const back = await history.step();
    expect(back.collisions).toEqual([]);
    expect(readAssembly(back.plan.assembly).get('test-staging-foundation')!.template).toEqual(old.get('test-staging-foundation')!.template);
  });
});

describe('images in an endpoints environment', () => {
  const visits = (egress: Egress | undefined, service: string, region?: string) => estateProblems({ 'estate.yaml': estate(egress, 2, region), 'services/visits.yaml': service });
  const prebuilt = (image: string) => `name: visits\nkind: web\nowner: team@example.gov.uk\nimage: ${image}\n`;

  it('refuses an image outside ECR, at its image line, with the ways out', () => {
    expect(visits('endpoints', prebuilt('nginx:1.27'))).toEqual([
      expect.objectContaining({
        file: 'services/visits.yaml',
        line: 4,
        field: 'image',
        message: expect.stringMatching(/egress: endpoints.*nginx:1\.27 is not in a private ECR registry.*build it with source.*222222222222\.dkr\.ecr\.eu-west-2\.amazonaws\.com\/visits.*egress: nat-single/),
      }),
    ]);
    expect(visits('endpoints', prebuilt('public.ecr.aws/nginx/nginx:1.27'))).toHaveLength(1);
  });

  it('refuses ECR of another region, and accepts any account’s ECR of its own', () => {
    expect(visits('endpoints', prebuilt('222222222222.dkr.ecr.eu-west-1.amazonaws.com/visits:1.0'))).toEqual([
      expect.objectContaining({ field: 'image', message: expect.stringContaining('is in ECR of eu-west-1, and VPC endpoints reach their own region only') }),
    ]);
    expect(visits('endpoints', prebuilt('222222222222.dkr.ecr.eu-west-2.amazonaws.com/visits:1.0'))).toEqual([]);
    expect(visits('endpoints', prebuilt(SEARCH_IMAGE))).toEqual([]);
  });

  it('accepts the same image where tasks go out through NAT', () => {
    expect(visits('nat-single', prebuilt('nginx:1.27'))).toEqual([]);
    expect(visits(undefined, prebuilt('nginx:1.27'))).toEqual([]);
  });

  it('refuses a source-built service when the environment is in another region than delivery’s image repositories', () => {
    expect(visits('endpoints', webService('visits'), 'eu-west-1')).toEqual([
      expect.objectContaining({ file: 'services/visits.yaml', field: 'source.repo', message: expect.stringContaining('delivery account\'s ECR in eu-west-2') }),
    ]);
    expect(visits('endpoints', webService('visits'))).toEqual([]);
  });

  it('names the estate defaults when they set the image', () => {
    const problems = estateProblems({
      'estate.yaml': `${estate('endpoints')}defaults:\n  image: nginx:1.27\n`,
      'services/visits.yaml': 'name: visits\nkind: web\nowner: team@example.gov.uk\n',
    });
    expect(problems).toEqual([expect.objectContaining({ file: 'estate.yaml', field: 'defaults.image', message: expect.stringContaining('nginx:1.27 is not in a private ECR registry') })]);
  });
});
