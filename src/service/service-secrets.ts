import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { resourceName } from '../naming/names';

/**
 * The service's secrets by name, read from <estate>/<env>/<service>/<NAME> in Secrets Manager and
 * injected as the variable NAME. Values never pass through manifests or templates.
 */
export function serviceSecrets(
  scope: Construct,
  names: readonly string[],
  at: { readonly estate: string; readonly environment: string; readonly service: string },
): Record<string, ecs.Secret> {
  return Object.fromEntries(
    names.map((name) => {
      const secretName = resourceName.secret(at.estate, at.environment, at.service, name);
      return [name, ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(scope, `Secret-${name}`, secretName))];
    }),
  );
}

/** Secrets encrypted with the environment key may be decrypted by the task, but only through Secrets Manager. */
export function grantKeyThroughSecretsManager(role: iam.IRole, key: kms.IKey, region: string): void {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
    }),
  );
}
