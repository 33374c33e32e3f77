/**
 * The `cityplan` command. Exit status: 0 success; 1 the estate is wrong (every problem listed), a
 * file or folder cannot be written or read (the path, and what to do), or a deploy stopped short;
 * 2 usage errors; 130 or 143 interrupted by SIGINT or SIGTERM. A user mistake never shows a stack
 * trace.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { fileErrorOf } from '../files/file-error';
import { EstateError, formatProblem, type Problem, UsageError } from '../manifest/problems';
// Deploy-only and query-only modules (toolkit-lib, the AWS SDK clients, DuckDB) load when their
// command runs: a plan never pays for them (about 0.5 s of start-up).
import type { DeployFlags } from './deploy';
import { type ImportFlags, importCopilotCommand } from './import-copilot';
import { initCommand } from './init';
import type { LogQueryError } from '../analytics/local-run';
import type { LogsQueryFlags } from './logs';
import { type Output, stdio } from './output';
import type { PackageFlags } from './package';
import { type PlanFlags, planCommand } from './plan';
import { costCommand, type CostFlags } from './cost';
import type { ReportFlags } from './report';
import { type RunbookListFlags, type RunbookReplayFlags, runbookListCommand, runbookReplayCommand } from './runbook';
import { schemaCommand } from './schema';
import { validateCommand } from './validate';
import { cityplanVersion } from './version';

/** For bin/cityplan.js: Ctrl-C and SIGTERM undo a plan's partial output, then exit 130 or 143. */
export { exitOnSignals } from '../files/interrupt';

export async function main(argv: readonly string[], io: Output = stdio): Promise<number> {
  let code = 0;
  const run = (fn: () => Promise<number> | number) => async () => {
    code = await fn();
  };
  const program = new Command('cityplan')
    .description('Plan and deploy an estate of services on AWS from small YAML manifests.')
    .version(cityplanVersion(), '-V, --version', 'print the version of cityplan')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run cityplan --help for usage)');

  program
    .command('init')
    .description('write a starter estate')
    .argument('<dir>', 'folder to create')
    .action((dir: string) => run(() => initCommand(dir, io))());
  program
    .command('validate')
    .description('check the estate; prints every problem at once')
    .argument('<dir>', 'estate folder')
    .action((dir: string) => run(() => validateCommand(dir, io))());
  program
    .command('plan')
    .description('validate, allocate (updates the lock), synthesize, run policy and quota checks, print the plan')
    .argument('<dir>', 'estate folder')
    .option('--env <name>', 'only this environment')
    .option('--service <name>', "only this service's stacks")
    .option('--out <dir>', 'cloud assembly directory', 'cdk.out')
    .option('--json', 'print the plan as JSON')
    .addOption(new Option('--summary', 'counts per environment instead of one row per service').conflicts('detail'))
    .option('--detail', 'one row per service, also for a large estate')
    .option('--findings', 'list the acknowledged policy findings with their reasons')
    .option('--no-cache', 'build every stack, rather than reuse unchanged ones from the plan cache (.cityplan/cache/ in the estate folder)')
    .action((dir: string, opts: PlanFlags) => run(() => planCommand(dir, opts, io))());
  program
    .command('deploy')
    .description('plan, then deploy with the AWS credentials of this shell')
    .argument('<dir>', 'estate folder')
    .option('--env <name>', 'only this environment')
    .option('--service <name>', "only this service's stacks")
    .option('--out <dir>', 'cloud assembly directory', 'cdk.out')
    .option('--allow-removal', 'let this deploy delete removed services and shards in a protected environment')
    .option('--delegation-wait <minutes>', "how long to wait for a new hosted zone's delegation, 0 to 1440 (0: look once)", minutes, 30)
    .option('--concurrency <n>', 'how many service stacks deploy at once, 1 to 50', concurrency, 4)
    .addOption(new Option('--summary', 'print the plan as counts per environment').conflicts('detail'))
    .option('--detail', 'print the plan with one row per service, also for a large estate')
    .option('--findings', 'print the acknowledged policy findings with their reasons')
    .action((dir: string, opts: DeployFlags) => run(async () => (await import('./deploy.js')).deployCommand(dir, opts, io))());
  program
    .command('import')
    .description('turn another platform\'s manifests into a cityplan estate')
    .command('copilot')
    .description("an AWS Copilot application's manifests → a new estate, with IMPORT.md listing what did not map")
    .argument('<app-dir>', 'folder of the Copilot application (holding copilot/)')
    .requiredOption('--out <dir>', 'new (or empty) folder to write the estate into')
    .option('--json', 'print the import as JSON')
    .action((appDir: string, opts: ImportFlags) => run(() => importCopilotCommand(appDir, opts, io))());
  program
    .command('diff')
    .description('with AWS credentials: the plan against what is deployed')
    .argument('<dir>', 'estate folder')
    .option('--env <name>', 'only this environment')
    .option('--service <name>', "only this service's stacks")
    .option('--out <dir>', 'cloud assembly directory', 'cdk.out')
    .action((dir: string, opts: { env?: string; service?: string; out: string }) => run(async () => (await import('./delivery.js')).diffCommand(dir, opts, io))());
  program
    .command('rollback')
    .description('with AWS credentials: put a service back on the last image that deployed successfully in an environment')
    .argument('<dir>', 'estate folder')
    .requiredOption('--service <name>', 'the service')
    .requiredOption('--env <name>', 'the environment')
    .option('--out <dir>', 'cloud assembly directory', 'cdk.out')
    .action((dir: string, opts: { service: string; env: string; out: string }) => run(async () => (await import('./delivery.js')).rollbackCommand(dir, opts, io))());
  program
    .command('bootstrap')
    .description('print the cdk bootstrap each account needs once; with --run, run those of the account of this shell')
    .argument('<dir>', 'estate folder')
    .option('--run', "bootstrap the accounts this shell's AWS credentials reach")
    .action((dir: string, opts: { run?: boolean }) => run(async () => (await import('./delivery.js')).bootstrapCommandLine(dir, opts, io))());
  program
    .command('package')
    .description("write exactly the template(s) a service's pipeline deploys to one environment, with the image tag as their parameter")
    .argument('<dir>', 'estate folder')
    .requiredOption('--service <name>', 'the service')
    .requiredOption('--env <name>', 'the environment')
    .requiredOption('--image-tag <tag>', 'the image tag to run (the commit built; unused by an image: service)')
    .requiredOption('--out <dir>', 'folder to write <stack>.template.json and <stack>.config.json to')
    .action((dir: string, opts: PackageFlags) => run(async () => (await import('./package.js')).packageCommand(dir, opts, io))());
  program
    .command('policy')
    .description('NCSC Cloud Security Principles: the plan-time and run-time checks covering each, with the estate\'s findings; exit 1 when any is unacknowledged')
    .argument('<dir>', 'the estate folder')
    .option('--json', 'print JSON')
    .action((dir: string, opts: { json?: boolean }) => run(async () => (await import('./policy.js')).policyCommand(dir, opts, io))());
  program
    .command('cost')
    .description('monthly estimate per service and environment from a dated price table (AWS list prices), with what shards and the egress mode save')
    .argument('<dir>', 'the estate folder')
    .option('--env <name>', 'only this environment')
    .option('--json', 'print JSON')
    .action((dir: string, opts: CostFlags) => run(() => costCommand(dir, opts, io))());
  program
    .command('report')
    .description('plan the estate and write one self-contained HTML page of it: environments, shards, services, policy and a diagram')
    .argument('<dir>', 'the estate folder')
    .option('--out <file>', 'the HTML file to write (required)')
    .option('--diagram-env <name>', 'the environment the diagram draws (default: the first)')
    .action((dir: string, opts: ReportFlags) => run(async () => (await import('./report.js')).reportCommand(dir, opts, io))());
  program
    .command('schema')
    .description('print the JSON Schema of estate.yaml and service files')
    .argument('[which]', 'estate or service (default: both)')
    .action((which: string | undefined) => run(() => schemaCommand(which, io))());

  program
    .command('logs')
    .description("query the estate's logs")
    .command('query')
    .description('a named query or SQL over log files laid out as in the log buckets, run locally (DuckDB)')
    .argument('<query>', 'a named query (errors-by-service, 5xx-rate-by-service, slowest-paths, top-4xx-clients, deployments-over-time, responder-actions-over-time) or SQL')
    .requiredOption('--data <dir>', 'folder the log buckets were synced into (aws s3 sync)')
    .option('--json', 'print the result as JSON')
    .action((query: string, opts: LogsQueryFlags) => run(async () => (await import('./logs.js')).logsQueryCommand(query, opts, io))());
  const runbook = program.command('runbook').description("the estate's runbooks, and what the responder would decide for an event");
  runbook
    .command('list')
    .description('list the runbooks with their triggers and what the estate changed about them')
    .argument('<dir>', 'estate folder')
    .option('--json', 'print as JSON')
    .action((dir: string, opts: RunbookListFlags) => run(() => runbookListCommand(dir, opts, io))());
  runbook
    .command('replay')
    .description("offline: what the environment's responder would decide for one EventBridge event")
    .argument('<event.json>', 'one EventBridge event as JSON')
    .requiredOption('--estate <dir>', 'estate folder')
    .requiredOption('--env <name>', 'environment whose responder decides')
    .option('--deployed <minutes>', "minutes before the event that the service's current deployment started", count)
    .option('--desired <count>', 'tasks the service ran when the event came', count)
    .option('--json', 'print the decision as JSON')
    .action((file: string, opts: RunbookReplayFlags) => run(() => runbookReplayCommand(file, opts, io))());

  try {
    await program.parseAsync(argv as string[]);
    return code;
  } catch (e) {
    const code = reportError(e, io);
    // A caller that asked for JSON reads the failure as JSON too (and the text on stderr still).
    if (code !== 0 && argv.includes('--json')) io.out(JSON.stringify({ problems: problemsOf(e).map(withEveryKey) }, null, 2));
    return code;
  }
}

/** A whole number of minutes, 0 to 1440, or a usage error. */
function minutes(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 1440) throw new InvalidArgumentError('give whole minutes from 0 to 1440, such as 30');
  return n;
}

/**
 * How many stacks deploy at once: 1 to 50. CloudFormation runs far more, but each stack deploy
 * polls CloudFormation, whose API throttles an account's callers together.
 */
function concurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 50) throw new InvalidArgumentError('give a whole number from 1 to 50, such as 4');
  return n;
}

/** A whole number, 0 or more, or a usage error. */
function count(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('give a whole number, such as 10');
  return Number(value);
}

/** An error as the contract's `problems`: the estate's own, or one problem saying what went wrong. */
/** Every key of the contract on every problem, null where a problem has none: scripts can rely on the shape. */
function withEveryKey(p: Problem) {
  return { file: p.file || null, line: p.line ?? null, column: p.column ?? null, field: p.field ?? null, message: p.message };
}

/** A LogQueryError, known by its name: its module (and DuckDB) is loaded only by `logs query`. */
function isLogQueryError(e: unknown): e is LogQueryError {
  return e instanceof Error && e.name === 'LogQueryError';
}

function problemsOf(e: unknown): readonly Problem[] {
  if (e instanceof EstateError) return e.problems;
  if (isLogQueryError(e)) return [{ file: e.file ?? '', message: e.message }];
  const fileError = fileErrorOf(e);
  if (fileError) return [{ file: fileError.path, message: fileError.message }];
  const message = e instanceof Error ? e.message.replace(/^error: /, '') : String(e);
  return [{ file: '', message: e instanceof UsageError || e instanceof CommanderError ? message : `internal error: ${message}` }];
}

function reportError(e: unknown, io: Output): number {
  if (e instanceof CommanderError) {
    // Help and version are not errors; everything else commander rejects is a usage error.
    // A command group without its subcommand (`cityplan import`) shows help as an error (exitCode 1).
    if (e.code === 'commander.help') return e.exitCode === 0 ? 0 : 2;
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' ? 0 : 2;
  }
  if (e instanceof UsageError) {
    io.err(`cityplan: ${e.message}`);
    return 2;
  }
  if (isLogQueryError(e)) {
    io.err(`cityplan: ${e.message}`);
    return 1;
  }
  if (e instanceof EstateError) {
    const n = e.problems.length;
    io.err(`cityplan: ${e.subject} has ${n} problem${n === 1 ? '' : 's'}:\n${e.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`);
    return 1;
  }
  // A file or folder the user can fix (permissions, a read-only or full disk): like a wrong estate.
  const fileError = fileErrorOf(e);
  if (fileError) {
    io.err(`cityplan: ${fileError.message}`);
    return 1;
  }
  const err = e as Error;
  io.err(`cityplan: internal error: ${err?.message ?? String(e)}\nThis is a bug in cityplan, not in your estate; set CITYPLAN_DEBUG=1 for details.`);
  if (process.env.CITYPLAN_DEBUG) io.err(String(err?.stack));
  return 1;
}
