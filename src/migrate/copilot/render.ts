/**
 * The estate's YAML files as text: placeholders carry a `# TODO(import): ...` comment on their
 * line, and every file says where it came from.
 */
import { Document, isScalar } from 'yaml';
import type { LayerDraft } from './draft';
import type { ServiceDraft } from './workload';

/** Field order of a service file: identity, where it comes from, how it runs, what it holds. */
const ORDER = ['name', 'kind', 'owner', 'source', 'image', 'port', 'health', 'healthGrace', 'cpu', 'memory', 'count', 'scale', 'hostnames', 'command', 'env', 'secrets', 'calls', 'publish', 'subscribe', 'queue', 'schedule', 'timeout', 'postgres', 'bucket', 'cache', 'environments'];

const ordered = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).sort(([a], [b]) => rank(a) - rank(b)));
const rank = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);

/** Puts each note as a `# TODO(import): ` comment at the end of its value's line. */
function annotate(doc: Document, notes: ReadonlyArray<[readonly (string | number)[], string]>): void {
  for (const [path, note] of notes) {
    const node = doc.getIn(path, true);
    if (isScalar(node)) node.comment = ` TODO(import): ${note}`;
  }
}

const text = (doc: Document) => doc.toString({ lineWidth: 0 });

export interface EstateEnvironment {
  readonly name: string;
  readonly account: string;
  readonly zones?: 3;
  readonly approval: boolean;
  /** Why the environment is imported protected (protection.ts); absent when it is not. */
  readonly protect?: string;
}

/** estate.yaml: real values where Copilot had them, marked placeholders for the rest. */
export function renderEstate(input: { estate: string; application: string; environments: readonly EstateEnvironment[]; connection?: string }): string {
  const { estate, application } = input;
  const data = {
    name: estate,
    owner: 'platform-team@example.gov.uk',
    region: 'eu-west-2',
    delivery: {
      account: '111111111111',
      connectionArn: 'arn:aws:codeconnections:eu-west-2:111111111111:connection/00000000-0000-0000-0000-000000000000',
    },
    alerts: { email: ['platform-alerts@example.gov.uk'] },
    environments: Object.fromEntries(
      input.environments.map((e) => [
        e.name,
        { account: e.account, domain: `${e.name}.${estate}.example.gov.uk`, ...(e.zones ? { zones: e.zones } : {}), ...(e.approval ? { approval: true } : {}), ...(e.protect ? { protect: true } : {}) },
      ]),
    ),
  };
  const doc = new Document(data);
  doc.commentBefore = ` Imported from the AWS Copilot application ${application} by cityplan import copilot.\n Every line marked TODO(import) holds a placeholder that validates and plans: replace it before deploying.\n IMPORT.md lists every Copilot field that did not map, and the secrets to copy.`;
  annotate(doc, [
    [['owner'], 'the platform team\'s email address'],
    [['region'], 'the region of the delivery account and the default of every environment (Copilot kept it in the application\'s SSM parameters)'],
    [['delivery', 'account'], 'the account where pipelines and ECR repositories live'],
    [['delivery', 'connectionArn'], input.connection ? `the ARN of the CodeConnections connection ${input.connection} the Copilot pipeline used (aws codeconnections list-connections)` : 'the ARN of a CodeConnections connection to the source repository'],
    [['alerts', 'email', 0], 'where alarms and responders write'],
    ...input.environments.flatMap((e): Array<[string[], string]> => [
      [['environments', e.name, 'account'], `the account of environment ${e.name} (copilot env show --name ${e.name})`],
      [['environments', e.name, 'domain'], `the DNS name services of ${e.name} answer under; a delegated zone for it, or set zoneId`],
    ]),
  ]);
  for (const e of input.environments) {
    const node = e.protect ? doc.getIn(['environments', e.name, 'protect'], true) : undefined;
    if (isScalar(node)) node.comment = ` ${e.protect} (see IMPORT.md)`;
  }
  return text(doc);
}

/** One service file, in cityplan's field order, with notes on its placeholders. */
export function renderService(d: ServiceDraft, application: string): string {
  const environments = Object.fromEntries([...d.environments].filter(([, l]) => Object.keys(l.fields).length > 0).map(([e, l]) => [e, ordered(l.fields)]));
  const data = ordered({
    name: d.name,
    kind: d.kind,
    owner: `${d.name}-team@example.gov.uk`,
    ...d.base.fields,
    ...(Object.keys(environments).length > 0 ? { environments } : {}),
  });
  const doc = new Document(data);
  doc.commentBefore = ` Imported from ${d.file} (Copilot application ${application}); see IMPORT.md for what did not map.`;
  const notes: Array<[Array<string | number>, string]> = [[['owner'], 'the email of the team that owns this service']];
  const layerNotes = (layer: LayerDraft, prefix: string[]) => {
    for (const [path, note] of layer.todos) notes.push([[...prefix, ...path.split('.')], note]);
  };
  layerNotes(d.base, []);
  for (const [e, l] of d.environments) layerNotes(l, ['environments', e]);
  annotate(doc, notes);
  return text(doc);
}
