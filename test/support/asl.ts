/**
 * A small interpreter of the Amazon States Language, for the part of it cityplan's state machines
 * use (JSONPath): Task, Pass, Choice, Map (inline), Fail; Parameters, ResultSelector, ResultPath,
 * ItemsPath, Catch; the context object (`$$`); IsPresent, StringEquals, StringEqualsPath and
 * NumericEquals rules; States.Format in CausePath. Retry and TimeoutSeconds are AWS's to apply: a
 * test's service throws the error AWS would raise (`States.Timeout`, `AmazonECS.Unknown`).
 *
 * It follows the States Language specification (https://states-language.net/spec.html) where the
 * tests need it, and throws on anything else rather than guess. It proves the definition's own
 * logic against the answers AWS documents; it cannot prove what AWS answers.
 */

/** A definition as synthesized: its `Fn::Join`, with references as `<LogicalId>` / `<LogicalId.Attr>`. */
export function definitionOf(definitionString: unknown): Definition {
  const text = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (v.Ref) return `<${v.Ref}>`;
    if (v['Fn::GetAtt']) return `<${v['Fn::GetAtt'].join('.')}>`;
    if (v['Fn::Join']) return v['Fn::Join'][1].map(text).join(v['Fn::Join'][0]);
    throw new Error(`cannot read ${JSON.stringify(value)}`);
  };
  return JSON.parse(text(definitionString)) as Definition;
}

export interface Definition {
  readonly StartAt: string;
  readonly States: Record<string, State>;
  readonly TimeoutSeconds?: number;
}

export interface State {
  readonly Type: 'Task' | 'Pass' | 'Choice' | 'Map' | 'Fail' | 'Succeed';
  readonly [field: string]: unknown;
}

/** One call a Task state made: its state, its resource and its rendered parameters. */
export interface Call {
  readonly state: string;
  readonly resource: string;
  readonly parameters: Record<string, unknown>;
}

/** What a Task's service raises: caught by Catch as `{ Error, Cause }`. */
export class TaskError extends Error {
  constructor(
    readonly error: string,
    readonly reason = '',
  ) {
    super(`${error}: ${reason}`);
  }
}

export interface Outcome {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The states entered, in order (a Map's inner states once per item). */
  readonly path: string[];
  readonly calls: Call[];
}

export interface Context {
  readonly Execution: { readonly Id: string };
  readonly StateMachine: { readonly Id: string };
}

/** Runs `definition` on `input`; `service` answers each Task's call, or throws a TaskError. */
export function execute(definition: Definition, input: unknown, context: Context, service: (call: Call) => unknown): Outcome {
  const path: string[] = [];
  const calls: Call[] = [];
  const run = (def: Definition, data: unknown): { output?: unknown; error?: string; cause?: string } => {
    let name: string | undefined = def.StartAt;
    for (let steps = 0; name !== undefined; steps++) {
      if (steps > 100) throw new Error('more than 100 transitions');
      const state: State | undefined = def.States[name];
      if (!state) throw new Error(`no state ${name}`);
      path.push(name);
      const next: string | undefined = state.End ? undefined : (state.Next as string | undefined);
      switch (state.Type) {
        case 'Pass': {
          const result = state.Parameters === undefined ? data : render(state.Parameters, data, context);
          data = place(data, result, state.ResultPath);
          name = next;
          break;
        }
        case 'Task':
        case 'Map': {
          try {
            let result: unknown;
            if (state.Type === 'Task') {
              const call = { state: name, resource: String(state.Resource), parameters: render(state.Parameters ?? {}, data, context) as Record<string, unknown> };
              calls.push(call);
              result = service(call);
            } else {
              const items = read(String(state.ItemsPath ?? '$'), data, context);
              if (!Array.isArray(items)) throw new TaskError('States.Runtime', `ItemsPath ${String(state.ItemsPath)} is not an array`);
              result = items.map((item) => {
                const inner = run(state.ItemProcessor as Definition, item);
                if (inner.error !== undefined) throw new TaskError(inner.error, inner.cause);
                return inner.output;
              });
            }
            if (state.ResultSelector !== undefined) result = render(state.ResultSelector, result, context);
            data = place(data, result, state.ResultPath);
            name = next;
          } catch (e) {
            if (!(e instanceof TaskError)) throw e;
            const handler = ((state.Catch ?? []) as Array<{ ErrorEquals: string[]; ResultPath?: string | null; Next: string }>).find(
              (c) => c.ErrorEquals.includes(e.error) || (c.ErrorEquals.includes('States.ALL') && e.error !== 'States.Runtime'),
            );
            if (!handler) return { error: e.error, cause: e.reason };
            data = place(data, { Error: e.error, Cause: e.reason }, handler.ResultPath);
            name = handler.Next;
          }
          break;
        }
        case 'Choice': {
          const rules = state.Choices as Array<Record<string, unknown>>;
          let chosen: Record<string, unknown> | undefined;
          try {
            chosen = rules.find((rule) => matches(rule, data, context));
          } catch (e) {
            if (e instanceof TaskError) return { error: e.error, cause: e.reason };
            throw e;
          }
          name = (chosen?.Next ?? state.Default) as string | undefined;
          if (name === undefined) return { error: 'States.NoChoiceMatched' };
          break;
        }
        case 'Fail':
          return {
            error: (state.Error as string | undefined) ?? (state.ErrorPath ? String(read(String(state.ErrorPath), data, context)) : undefined),
            cause: (state.Cause as string | undefined) ?? (state.CausePath ? String(evaluate(String(state.CausePath), data, context)) : undefined),
          };
        case 'Succeed':
          return { output: data };
        default:
          throw new Error(`state type ${String(state.Type)} is not interpreted here`);
      }
      if (name === undefined) return { output: data };
    }
    return { output: data };
  };
  const result = run(definition, input);
  return result.error !== undefined
    ? { status: 'FAILED', error: result.error, cause: result.cause, path, calls }
    : { status: 'SUCCEEDED', output: result.output, path, calls };
}

function matches(rule: Record<string, unknown>, data: unknown, context: Context): boolean {
  const variable = String(rule.Variable);
  const present = has(variable, data, context);
  if ('IsPresent' in rule) return present === rule.IsPresent;
  // A comparison on a path that is not there is a runtime error, not a false.
  if (!present) throw new TaskError('States.Runtime', `Invalid path ${variable}`);
  const value = read(variable, data, context);
  if ('StringEquals' in rule) return value === rule.StringEquals;
  if ('StringEqualsPath' in rule) return value === read(String(rule.StringEqualsPath), data, context);
  if ('NumericEquals' in rule) return value === rule.NumericEquals;
  throw new Error(`choice rule ${JSON.stringify(rule)} is not interpreted here`);
}

/** Parameters and ResultSelector: keys ending in `.$` take a path or an intrinsic function. */
function render(template: unknown, data: unknown, context: Context): unknown {
  if (Array.isArray(template)) return template.map((t) => render(t, data, context));
  if (template === null || typeof template !== 'object') return template;
  return Object.fromEntries(
    Object.entries(template).map(([key, value]) =>
      key.endsWith('.$') ? [key.slice(0, -2), evaluate(String(value), data, context)] : [key, render(value, data, context)],
    ),
  );
}

function evaluate(expression: string, data: unknown, context: Context): unknown {
  const format = /^States\.Format\('((?:[^'\\]|\\.)*)'((?:\s*,\s*[^,)]+)*)\)$/.exec(expression);
  if (format) {
    const args = format[2]!.split(',').slice(1).map((a) => read(a.trim(), data, context));
    let i = 0;
    return format[1]!.replace(/\{\}/g, () => String(args[i++]));
  }
  if (expression.startsWith('States.')) throw new Error(`intrinsic ${expression} is not interpreted here`);
  return read(expression, data, context);
}

function steps(path: string): Array<string | number | 'last'> {
  const rest = path.replace(/^\$\$?/, '');
  const out: Array<string | number | 'last'> = [];
  for (const m of rest.matchAll(/\.([A-Za-z_][\w]*)|\[(-?\d+)\]|\[(-1):\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push('last');
  }
  if (out.length === 0 && rest !== '') throw new Error(`path ${path} is not interpreted here`);
  return out;
}

function walk(path: string, data: unknown, context: Context): { found: boolean; value: unknown } {
  let value: unknown = path.startsWith('$$') ? context : data;
  for (const step of steps(path)) {
    if (step === 'last') {
      if (!Array.isArray(value)) return { found: false, value: undefined };
      value = value.slice(-1);
      continue;
    }
    if (value === null || typeof value !== 'object' || !(step in (value as object))) return { found: false, value: undefined };
    value = (value as Record<string | number, unknown>)[step];
  }
  return { found: true, value };
}

function has(path: string, data: unknown, context: Context): boolean {
  return walk(path, data, context).found;
}

function read(path: string, data: unknown, context: Context): unknown {
  const { found, value } = walk(path, data, context);
  if (!found) throw new TaskError('States.Runtime', `Invalid path ${path}`);
  return value;
}

/** ResultPath: `null` keeps the input, `$` (or none) replaces it, `$.a.b` sets that field. */
function place(data: unknown, result: unknown, resultPath: unknown): unknown {
  if (resultPath === null) return data;
  if (resultPath === undefined || resultPath === '$') return result;
  const keys = steps(String(resultPath));
  const copy = structuredClone(data) as Record<string, unknown>;
  let at = copy;
  for (const key of keys.slice(0, -1)) at = (at[key as string] ??= {}) as Record<string, unknown>;
  at[keys.at(-1) as string] = result;
  return copy;
}
