/**
 * Where the responder's bundle is: dist/runtime/responder/, which `npm run build` writes
 * (scripts/build.mjs). Found from the package root, so that it resolves the same from src/ (tests)
 * and from dist/ (the CLI).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder holding the responder's index.js.
 * @throws Error naming the command that writes it, when it is missing
 */
export function responderCodeDir(from = __dirname): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scripts', 'build.mjs'))) {
      const code = join(dir, 'dist', 'runtime', 'responder');
      if (!existsSync(join(code, 'index.js'))) throw new Error(`the runbook responder is not built (${join(code, 'index.js')} is missing): run npm run build`);
      return code;
    }
  }
  throw new Error(`cannot find the cityplan package above ${from} to read dist/runtime/responder from: run npm run build in it`);
}
