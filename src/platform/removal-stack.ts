import { CfnWaitConditionHandle, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';

/**
 * What is left of a stack on its way out of the estate: one placeholder and nothing else, with
 * termination protection off. Deploying it over the stack makes CloudFormation delete every
 * resource the stack held (those with a Retain policy stay, as their policy says) and lifts
 * termination protection; `cityplan deploy` then deletes the stack itself.
 *
 * The placeholder (a wait condition handle: free, and never waited on) is there because
 * CloudFormation cannot update a stack to no resources at all.
 */
export class RemovalStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, { ...props, terminationProtection: false });
    new CfnWaitConditionHandle(this, 'Removed');
  }
}
