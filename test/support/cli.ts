import { main } from '../../src/cli/main';

/**
 * Runs `cityplan <args>` in this process, as bin/cityplan.js would, and returns its exit status and
 * what it printed on stdout and stderr (each line followed by a newline).
 */
export async function cityplan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'cityplan', ...args], { out: (t) => (stdout += `${t}\n`), err: (t) => (stderr += `${t}\n`) });
  return { code, stdout, stderr };
}
