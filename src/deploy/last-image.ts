import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { recordedImage } from '../delivery/image-record';

/**
 * Reads the image tag a service's pipeline recorded as the last that deployed successfully in an
 * environment (naming/names.ts parameter.lastImage, delivery/image-record.ts), or undefined when none
 * was recorded yet (no parameter, or the pipeline stack's initial value).
 * Rejects when the parameter cannot be read (no credentials, no access to the delivery account).
 */
export type LastImageReader = (parameterName: string) => Promise<string | undefined>;

/** The reader of the delivery account's SSM parameters, with the credentials of this shell. */
export function ssmLastImage(region: string): LastImageReader {
  const client = new SSMClient({ region });
  return async (name) => {
    try {
      // The pipeline stack's own value before any successful deploy reads as no record.
      return recordedImage((await client.send(new GetParameterCommand({ Name: name }))).Parameter?.Value);
    } catch (e) {
      if ((e as Error).name === 'ParameterNotFound') return undefined;
      throw e;
    }
  };
}
