/**
 * The record of the last image a service's pipeline deployed successfully in an environment
 * (SSM parameter naming/names.ts parameter.lastImage, in the delivery account).
 *
 * The pipeline stack owns the parameter as a CloudFormation resource whose value starts as
 * NO_IMAGE_YET; the pipeline's Verify step overwrites it (aws ssm put-parameter --overwrite) after
 * each successful deploy. So the record lives and dies with the service's pipeline stack: when the
 * service is removed, its removal deletes the record, and a service re-added under the same name
 * never reads a record of its earlier life (which would make cityplan deploy take the new stack
 * as made by the pipeline, and rollback go back to an image of the old service).
 *
 * CloudFormation changes a resource only when its template properties change, so later stack
 * updates keep the value Verify wrote; changing this resource's properties would reset it to
 * NO_IMAGE_YET (keep them as they are).
 */

/** The value of a record no successful deploy has written yet: not an image tag (parentheses are not allowed in one). */
export const NO_IMAGE_YET = '(none)';

/** The image tag a record holds, or undefined for none yet. */
export function recordedImage(value: string | undefined): string | undefined {
  return value === undefined || value === NO_IMAGE_YET ? undefined : value;
}
