/**
 * CDK writes, beside some metadata entries of a stack (every `Validations.acknowledge`, whatever the
 * app's stack-trace setting), the call stack that made them. Those lines name the file and line of
 * the code that ran (another path in every clone, another file in a worker thread than in the main
 * one, another text with source maps on), so two plans of the same estate would write different
 * assemblies. They serve only to point a reader of the file at the code: the plan drops them.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Removes the `trace` of every metadata entry in the `*.metadata.json` files of an assembly folder. */
export function dropMetadataTraces(assemblyDir: string): void {
  for (const file of readdirSync(assemblyDir)) {
    if (!file.endsWith('.metadata.json')) continue;
    const path = join(assemblyDir, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes('"trace"')) continue;
    const metadata = JSON.parse(text) as Record<string, Array<Record<string, unknown>>>;
    for (const entries of Object.values(metadata)) for (const entry of entries) delete entry.trace;
    // As CDK writes it: two-space indentation.
    writeFileSync(path, JSON.stringify(metadata, undefined, 2));
  }
}
