import { CfnResource, TagManager } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { REQUIRED_TAGS } from '../../src/policy/rules/Tagged';
import { compile } from '../support/compile';

/** A template resource's tags as key → value, whichever shape the type takes (a list of Key/Value, or a map). */
function tagsOf(resource: { Properties?: Record<string, unknown> }): Record<string, unknown> {
  const props = resource.Properties ?? {};
  // A few types name their tags otherwise (AWS::Backup::BackupVault BackupVaultTags, AWS::Backup::BackupPlan BackupPlanTags).
  const raw = props.Tags ?? Object.entries(props).find(([k]) => k.endsWith('Tags'))?.[1];
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((t: { Key: string; Value: unknown }) => [t.Key, t.Value]));
  return (raw as Record<string, unknown> | undefined) ?? {};
}

describe('tags on everything', () => {
  const { app, stacks } = compile('examples/justice');
  const assembly = app.synth();
  // Taggable types: those whose L1 class has a tag manager (CDK generates one exactly for the types
  // whose CloudFormation specification has a tags property), as found in the estate's own tree.
  const taggable = new Set(
    app.node
      .findAll()
      .filter((c): c is CfnResource => CfnResource.isCfnResource(c) && TagManager.isTaggable(c))
      .map((c) => c.cfnResourceType),
  );

  it('finds the taggable types in the tree, and no raw resource that could escape them', () => {
    expect(taggable.size).toBeGreaterThan(30);
    const raw = app.node.findAll().filter((c) => CfnResource.isCfnResource(c) && c.constructor === CfnResource);
    expect(raw.map((c) => c.node.path)).toEqual([]);
  });

  it('puts estate, environment, service and owner on every taggable resource of every template, shared stacks as service shared', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const { stack, plan } of stacks) {
      const template = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
      for (const [id, resource] of Object.entries(template.Resources)) {
        if (!taggable.has(resource.Type)) continue;
        checked++;
        const tags = tagsOf(resource);
        for (const key of REQUIRED_TAGS) if (typeof tags[key] !== 'string') missing.push(`${stack.stackName}/${id} (${resource.Type}) lacks ${key}`);
        if (tags['cityplan:service'] !== (plan.service ?? 'shared')) missing.push(`${stack.stackName}/${id} has service ${String(tags['cityplan:service'])}`);
        if (tags['cityplan:environment'] !== plan.environment) missing.push(`${stack.stackName}/${id} has environment ${String(tags['cityplan:environment'])}`);
      }
    }
    expect(checked).toBeGreaterThan(200);
    expect(missing).toEqual([]);
  });
});
