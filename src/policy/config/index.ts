import type { Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { EnvironmentSpec } from '../../manifest/spec';
import { EnvironmentConfig } from './environment-config';
import { EnvironmentGuardDuty } from './guardduty';

/**
 * The run-time half of the estate's policy in one environment's foundation stack: AWS Config rules
 * and remediations always, the recorder when `config.recorder`, GuardDuty when `guardduty`.
 */
export function environmentPolicy(
  stack: Stack,
  props: { readonly estate: string; readonly environment: EnvironmentSpec; readonly key: kms.IKey; readonly vpc: ec2.IVpc; readonly accessLogs: s3.IBucket; readonly retentionDays: number },
): { config: EnvironmentConfig; guardDuty?: EnvironmentGuardDuty } {
  const env = props.environment;
  const config = new EnvironmentConfig(stack, 'Config', {
    estate: props.estate,
    environment: env.name,
    protect: env.protect,
    retentionDays: props.retentionDays,
    key: props.key,
    vpc: props.vpc,
    accessLogs: props.accessLogs,
    recorder: env.config.recorder,
  });
  return { config, ...(env.guardduty ? { guardDuty: new EnvironmentGuardDuty(stack, 'GuardDuty') } : {}) };
}
