import { PassThrough } from 'node:stream';
import { main } from 'ovfkit';

/** Runs the CLI in-process (from `cwd`) and collects what it prints. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv = {}, cwd: string = process.cwd()): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await main(argv, { stdout: out, stderr: err, cwd, env, signal: new AbortController().signal });
  return { code, stdout, stderr };
}
