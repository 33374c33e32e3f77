import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type CredentialTrouble, sdkCredentialTrouble } from './credentials';

/** Who the credentials of this shell are: their account, or what is wrong with them. */
export type Caller = { readonly account: string } | { readonly trouble: CredentialTrouble };

/** Asks STS (GetCallerIdentity, which needs no permission) who this shell's credentials are. */
export async function whoAmI(region: string): Promise<Caller> {
  try {
    const identity = await new STSClient({ region }).send(new GetCallerIdentityCommand({}));
    return { account: identity.Account ?? '' };
  } catch (e) {
    const error = e as Error;
    return { trouble: sdkCredentialTrouble(error) ?? { kind: 'unchecked', detail: `${error.name}: ${error.message}` } };
  }
}
