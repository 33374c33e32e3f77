import type { CfnResource } from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { deploymentAlarms } from './rules/DeploymentAlarms';
import { logPipeline } from './rules/LogPipeline';
import { nonRootContainers } from './rules/NonRootContainers';
import { protectedRedundancy } from './rules/ProtectedRedundancy';
import type { CityplanRule } from './rules/resources';
import { secretVariables } from './rules/SecretVariables';
import { tagged } from './rules/Tagged';
import { worldIngress } from './rules/WorldIngress';

/** cityplan's own plan-time rules, one per file in ./rules; findings are named `Cityplan-<rule>`. */
export const CITYPLAN_RULES: readonly CityplanRule[] = [tagged, protectedRedundancy, secretVariables, deploymentAlarms, logPipeline, worldIngress, nonRootContainers];

/**
 * The pack of cityplan's own rules, run on every plan beside AwsSolutions and NIST 800-53 R5. Like
 * theirs, it visits every CfnResource of the tree, raw `new CfnResource` ones included, and its
 * rules read the rendered properties (escape-hatch overrides applied), not the L1 class.
 */
export class CityplanChecks extends NagPack {
  readonly name = 'Cityplan';

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'Cityplan';
  }

  protected checkResource(node: CfnResource): void {
    for (const rule of CITYPLAN_RULES) {
      // cdk-nag names a finding after the rule function; ours carry their name explicitly, as
      // esbuild may rename functions in the bundle.
      this.applyRule({ ruleSuffixOverride: rule.name, info: rule.info, explanation: rule.explanation, level: NagMessageLevel.ERROR, rule: rule.check, node });
    }
  }
}
