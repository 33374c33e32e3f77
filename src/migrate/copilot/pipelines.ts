/**
 * Pipeline manifests (`copilot/pipelines/<name>/manifest.yml`, or the older `copilot/pipeline.yml`)
 * → the repository and branch services are built from, which environments need approval, and the
 * CodeConnections connection to name. cityplan makes one pipeline per service itself; the rest of a
 * Copilot pipeline (test commands, pre- and post-deployment actions, buildspecs) is reported.
 */
import { isMap } from './draft';
import type { ManifestFile } from './read';
import type { Findings } from './report';

export interface PipelineFacts {
  /** owner/repository on GitHub or Bitbucket, from source.properties.repository. */
  readonly repo?: string;
  readonly branch?: string;
  /** The Copilot environment names of the stages, in order. */
  readonly stages: readonly string[];
  /** Copilot environment names whose stage required approval. */
  readonly approval: ReadonlySet<string>;
  /** The CodeStar/CodeConnections connection name the pipeline used, if it named one. */
  readonly connection?: string;
}

/** Reads every pipeline; the first naming a repository gives the repository and branch. */
export function readPipelines(pipelines: readonly ManifestFile[], findingsOf: (file: string) => Findings): PipelineFacts {
  let repo: string | undefined;
  let branch: string | undefined;
  let connection: string | undefined;
  const stages: string[] = [];
  const approval = new Set<string>();
  for (const pipeline of pipelines) {
    const f = findingsOf(pipeline.file);
    const { source, stages: stageList, build, name: _name, version: _version, ...others } = pipeline.data;
    if (isMap(source)) {
      const props = isMap(source.properties) ? source.properties : {};
      const url = typeof props.repository === 'string' ? props.repository : '';
      const found = /(?:github\.com|bitbucket\.org)[/:]([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url);
      if (found && !repo) {
        repo = `${found[1]}/${found[2]}`;
        if (typeof props.branch === 'string') branch = props.branch;
      } else if (found && repo !== `${found[1]}/${found[2]}`) {
        f.add('source.properties.repository', `a second repository (${found[1]}/${found[2]}); imported services are built from ${repo}`, 'set source.repo in the services built from this repository');
      } else if (url && !found) {
        f.add('source.properties.repository', `${url} is not a GitHub or Bitbucket repository, which cityplan pipelines build from through CodeConnections`, 'mirror the repository to GitHub or Bitbucket, then set source.repo in each service');
      }
      if (typeof props.connection_name === 'string') connection = props.connection_name;
      if (props.access_token_secret !== undefined) f.add('source.properties.access_token_secret', 'cityplan pipelines reach the repository through a CodeConnections connection, not a token', 'create a connection (or reuse the Copilot one) and put its ARN in delivery.connectionArn');
    }
    if (Array.isArray(stageList)) {
      stageList.forEach((stage: unknown, i: number) => {
        if (!isMap(stage) || typeof stage.name !== 'string') return;
        if (!stages.includes(stage.name)) stages.push(stage.name);
        if (stage.requires_approval === true) approval.add(stage.name);
        const why: Record<string, [string, string]> = {
          test_commands: ['cityplan runs a service\'s test command (source.test) on the built image before any deploy, not after each environment', 'move the commands into source.test, or into a job that checks the environment'],
          pre_deployments: ['cityplan pipelines have no pre-deployment actions', 'run database migrations from the service at start-up, or as a job'],
          post_deployments: ['cityplan pipelines have no post-deployment actions', 'run the checks as a job, or from source.test'],
          deployments: ['a cityplan pipeline deploys its own service to every environment in order', 'nothing'],
        };
        for (const key of Object.keys(stage)) {
          if (key === 'name' || key === 'requires_approval') continue;
          const [w, t] = why[key] ?? ['not a stage field cityplan knows', 'check whether the pipeline relied on it'];
          f.add(`stages[${i}].${key}`, w, t);
        }
      });
    }
    if (build !== undefined) f.add('build', 'cityplan pipelines build with their own CodeBuild project and buildspec', 'put build steps in the Dockerfile; test steps in source.test');
    for (const key of Object.keys(others)) f.add(key, 'not a pipeline field cityplan knows', 'check whether the pipeline relied on it');
  }
  return { ...(repo ? { repo } : {}), ...(branch ? { branch } : {}), stages, approval, ...(connection ? { connection } : {}) };
}
