/**
 * IMPORT.md: what was imported, every Copilot field that did not map or was approximated (with
 * what to do), the placeholders to replace, and the commands that copy secret values across.
 */
import type { ImportedService, SecretCopy } from './import';
import type { Unmapped } from './report';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderImportReport(input: {
  estate: string;
  application: string;
  services: readonly ImportedService[];
  unmapped: readonly Unmapped[];
  secrets: readonly SecretCopy[];
  /** Each environment of the estate, with the Copilot environment it came from (none for a placeholder). */
  environments: ReadonlyArray<{ readonly name: string; readonly copilot?: string }>;
}): string {
  const { estate, application, services, unmapped, secrets } = input;
  const lines: string[] = [
    `# Import of the Copilot application ${application}`,
    '',
    `Written by \`cityplan import copilot\`. The estate \`${estate}\` validates and plans as it is; before it is deployed, replace every value marked \`TODO(import)\` in estate.yaml and services/, and work through the fields below. docs/migrating-from-copilot.md in cityplan has the cut-over guide.`,
    '',
    '## Services',
    '',
    '| cityplan service | kind | from |',
    '|---|---|---|',
    ...services.map((s) => `| \`${s.name}\` (${s.file}) | ${s.kind} | ${s.from}${s.copilot !== s.name ? ` (\`${s.copilot}\`)` : ''} |`),
    '',
    '## Environments',
    '',
    '| cityplan environment | Copilot environment |',
    '|---|---|',
    ...input.environments.map((e) => `| \`${e.name}\` | ${e.copilot ? `\`${e.copilot}\`` : 'none: a placeholder, as the application named no environment (rename it to one Copilot deployed to)'} |`),
    '',
    '## Placeholders to replace',
    '',
    'Copilot keeps these outside its manifests (in the application\'s SSM parameters and the accounts themselves), so the import wrote marked placeholders: the estate owner and alert address, the region, the delivery account and its CodeConnections connection ARN, each environment\'s account and domain (and zoneId if the zone exists), the repository services are built from where no pipeline named it, and each service\'s owner. `grep -rn "TODO(import)" .` lists them.',
    '',
    '## What changes for every service',
    '',
    'These differ from Copilot without a manifest field saying so; check each service in a non-production environment:',
    '',
    "- cityplan runs the container as user `1000:1000` unless the service sets `user:` (Copilot ran the image's own USER, often root): an image that binds a port below 1024 or writes to root-owned paths needs `user:` or a change.",
    '- Tasks are Linux x86-64, with Fargate\'s default 20 GiB of ephemeral storage and one container.',
    "- A backend is reached only by the services that list it under `calls:`; callers used Copilot's `<service>.<environment>.<application>.local` or Service Connect's `http://<service>`.",
    '- Deployments roll back on the ECS circuit breaker and the service\'s error-rate alarm.',
    '',
    `## Fields that did not map (${unmapped.length})`,
    '',
  ];
  if (unmapped.length === 0) lines.push('None: every field mapped as it was.', '');
  else {
    lines.push('| file | field | why | what to do |', '|---|---|---|---|');
    for (const u of unmapped) lines.push(`| ${cell(u.file)} | ${u.field ? `\`${cell(u.field)}\`` : ''} | ${cell(u.why)} | ${cell(u.todo)} |`);
    lines.push('');
  }
  lines.push('## Secrets', '');
  if (secrets.length === 0) lines.push('The application had no secrets.', '');
  else {
    lines.push(
      'Each service\'s stack creates its secrets with a placeholder value on its first deploy. Then copy each value from where Copilot read it, with credentials for the account of the Copilot environment and of the cityplan environment (the same account if you deploy cityplan into it; otherwise copy through a file you delete afterwards), and start a new deployment of the service so that its tasks read the values. Do this before moving any traffic. Each command below keeps the value out of the process list and stops without writing if the value cannot be read; run them in bash or zsh (one reading a JSON key of a secret needs jq).',
      '',
      '| service | environment | secret | Copilot read it from | cityplan secret |',
      '|---|---|---|---|---|',
      ...secrets.map((s) => `| ${s.service} | ${s.environment} | \`${s.name}\` | ${s.from ? `${s.from.store === 'ssm' ? 'SSM parameter' : 'Secrets Manager'} \`${cell(s.from.name)}\`` : 'a value written in the manifest (rotate it)'} | \`${s.to}\` |`),
      '',
      '```sh',
      ...secrets.flatMap((s) => (s.from ? [s.command] : [`# ${s.to}: was written in the Copilot manifest; type a new value (not shown), then press Enter`, s.command])),
      '```',
      '',
    );
  }
  return `${lines.join('\n')}`;
}
