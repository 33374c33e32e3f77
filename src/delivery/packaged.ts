/**
 * Where `cityplan package` writes a service's template, and so where the pipeline's CloudFormation
 * action finds it in the build's output artifact (`<environment>/<stack>.template.json`): one
 * function, so that the two cannot disagree.
 */
export const packagedTemplateFile = (stack: string) => `${stack}.template.json`;

/**
 * The CloudFormation template configuration file beside a template (CodePipeline's format:
 * `{ "Parameters": { "ImageTag": "<commit>" } }`), which sets the image the stack runs.
 */
export const templateConfigurationFile = (stack: string) => `${stack}.config.json`;

/** The configuration's path inside the pipeline's `Templates` artifact. */
export const packagedConfigurationPath = (environment: string, stack: string) => `${environment}/${templateConfigurationFile(stack)}`;

/** The template's path inside the pipeline's `Templates` artifact, one folder per environment. */
export const packagedTemplatePath = (environment: string, stack: string) => `${environment}/${packagedTemplateFile(stack)}`;
