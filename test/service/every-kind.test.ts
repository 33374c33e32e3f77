/**
 * What every kind of service shares: the container runs as a non-root user on a read-only root
 * file system, ECS Exec is off, and no task is reachable from the internet.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../support/compile';
import { mixedEstateFiles } from '../support/estate-files';

type Resource = { Type: string; Properties?: Record<string, unknown> };

describe('every kind of service', () => {
  const estate = compile(mixedEstateFiles(10, 1));
  const services = estate.stacks.filter((s) => s.plan.role === 'service');

  it.each(services.map((s) => [s.plan.name, s.stack.templateOptions.description?.split(' ')[2]] as const))('%s (%s)', (name) => {
    const resources = Object.values(estate.template(name).toJSON().Resources as Record<string, Resource>);
    const task = resources.find((r) => r.Type === 'AWS::ECS::TaskDefinition')!;
    for (const container of task.Properties!.ContainerDefinitions as Array<Record<string, unknown>>) {
      expect(container.User).toBe('1000:1000');
      expect(container.ReadonlyRootFilesystem).toBe(true);
    }
    for (const service of resources.filter((r) => r.Type === 'AWS::ECS::Service')) {
      expect(service.Properties!.EnableExecuteCommand ?? false).toBe(false);
      expect((service.Properties!.NetworkConfiguration as { AwsvpcConfiguration: { AssignPublicIp: string } }).AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    }
    // No security group of a service's own lets in anything from outside the VPC.
    for (const group of resources.filter((r) => r.Type === 'AWS::EC2::SecurityGroup')) {
      for (const rule of (group.Properties!.SecurityGroupIngress as Array<{ CidrIp?: string }> | undefined) ?? []) expect(rule.CidrIp).toBeUndefined();
    }
  });

  it('covers all four kinds', () => {
    expect(new Set(services.map((s) => s.stack.templateOptions.description?.split(' ')[2]))).toEqual(new Set(['web', 'backend', 'worker', 'job']));
  });
});
