import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NIST80053R5Checks, type NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { CityplanChecks } from './cityplan-pack';

/** The rule packs every plan runs: AWS Solutions, NIST 800-53 R5 and cityplan's own (cityplan-pack.ts). */
export function policyPacks(): NagPack[] {
  return [new AwsSolutionsChecks(), new NIST80053R5Checks(), new CityplanChecks()];
}

export interface Finding {
  readonly rule: string;
  readonly description: string;
  /** Construct path of the offending resource, starting with its stack's id. */
  readonly path: string;
}

export interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
  /** The stack it is in: the first part of the construct path, as cityplan names stacks by their id. */
  readonly stack: string;
  /** Construct path of the acknowledged construct, starting with its stack's id. */
  readonly path: string;
}

/**
 * Runs the packs over a construct tree and returns what they found that nobody acknowledged.
 * Called directly rather than as a synthesis plugin so that the plan decides how findings are
 * shown and what they do to the exit status.
 */
export function checkPolicy(scope: IConstruct, packs: readonly NagPack[] = policyPacks()): Finding[] {
  const findings: Finding[] = [];
  for (const pack of packs) {
    for (const violation of pack.validateScope(scope).violations) {
      for (const resource of violation.violatingResources) {
        findings.push({ rule: violation.ruleName, description: violation.description, path: resource.constructPath ?? '' });
      }
    }
  }
  return findings;
}

/** Rule-id prefixes of the packs the plan runs; other acknowledgements (CDK warnings) are not policy. */
const POLICY_PREFIXES = ['AwsSolutions-', 'NIST.800.53.R5-', 'Cityplan-'];

/** Every acknowledgement of a policy rule in the tree, with its reason, for the plan's audit trail. */
export function acknowledgements(scope: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const node of scope.node.findAll()) {
    for (const entry of node.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        const rule = id.replace(/^annotation::/i, '');
        if (POLICY_PREFIXES.some((p) => rule.startsWith(p))) {
          found.push({ rule, reason: String(reason), stack: node.node.path.split('/')[0]!, path: node.node.path });
        }
      }
    }
  }
  return found;
}
