import type { StackProps } from 'aws-cdk-lib';
import type { EnvironmentSpec } from '../manifest/spec';

/** What every cityplan stack knows: its estate and environment. */
export interface EnvironmentStackProps extends StackProps {
  /** The estate name; prefixes resource names and SSM parameters. */
  readonly estate: string;
  readonly environment: EnvironmentSpec;
}
