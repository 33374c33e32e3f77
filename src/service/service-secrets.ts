import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { resourceName } from '../naming/names';

/** Where a service's secrets live and how they are kept. */
export interface SecretsPlace {
  readonly estate: string;
  readonly environment: string;
  readonly service: string;
  /** The service's life (see ServiceStackProps.incarnation); from 2 on, names carry it. @default 1 */
  readonly incarnation?: number;
  /** The environment's KMS key, which encrypts every secret. */
  readonly key: kms.IKey;
  /** A protected environment retains a secret (and its value) when the stack or the name leaves. */
  readonly protect: boolean;
  /**
   * Names made by hand before stacks owned their secrets (`secretsMadeByHand`): read by their
   * name, `<estate>/<env>/<service>/<NAME>`, never created, so the deploy does not collide with them.
   * @default none
   */
  readonly madeByHand?: readonly string[];
}

/**
 * The service's secrets, owned by its stack: each name becomes a Secrets Manager secret
 * `<estate>/<env>/<service>/<NAME>` (resourceName.secret), encrypted with the environment key and
 * injected as the variable NAME.
 *
 * The stack creates each secret with a generated placeholder (GenerateSecretString: Secrets
 * Manager makes up the value at creation, so no value is in the template or the plan); the team
 * puts the real value in afterwards (aws secretsmanager put-secret-value). Later deploys do not
 * touch the value: CloudFormation regenerates it only when GenerateSecretString itself changes,
 * which is why its settings here must never change.
 *
 * In a protected environment a secret is retained when its name leaves `secrets` or the service
 * leaves the estate: the value may be hard to get again. Retained names carry the incarnation, so a
 * service re-added after a removal gets fresh secrets beside the retained ones.
 *
 * @returns the ECS secret of each name, by name, for the container's `secrets`
 */
export function serviceSecrets(scope: Construct, names: readonly string[], at: SecretsPlace): Record<string, ecs.Secret> {
  return Object.fromEntries(
    names.map((name) => {
      if (at.madeByHand?.includes(name)) {
        const existing = secretsmanager.Secret.fromSecretNameV2(scope, `Secret-${name}`, resourceName.secret(at.estate, at.environment, at.service, name));
        return [name, ecs.Secret.fromSecretsManager(existing)];
      }
      const secret = new secretsmanager.Secret(scope, `Secret-${name}`, {
        secretName: resourceName.secret(at.estate, at.environment, at.service, name, at.incarnation),
        description: `${name} of cityplan service ${at.estate}/${at.environment}/${at.service}: a placeholder until the team puts the value in`,
        encryptionKey: at.key,
        // 32 letters and digits: a placeholder no one would take for a real value, and that no
        // shell or URL mangles. Never change it: a change regenerates every team's value.
        generateSecretString: { passwordLength: 32, excludePunctuation: true },
        removalPolicy: at.protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      });
      Validations.of(secret).acknowledge(
        {
          id: 'AwsSolutions-SMG4',
          reason: 'The value is issued by someone else (a supplier, another team) and put in by the service team; rotating it needs that issuer, so it is rotated where it is issued, not by a rotation function per secret.',
        },
        {
          id: 'NIST.800.53.R5-SecretsManagerRotationEnabled',
          reason: 'The value is issued by someone else and put in by the service team; rotating it needs that issuer, so it is rotated where it is issued, not by a rotation function per secret.',
        },
      );
      return [name, ecs.Secret.fromSecretsManager(secret)];
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
