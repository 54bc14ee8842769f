import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** Runs the built CLI to completion (npm test builds dist/ first). */
export function runCli(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input: opts.input, env: { ...process.env, ...opts.env }, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Child {
  proc: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

/** Starts `switchyard run` as a child process and waits until it logs that it is running. */
export async function spawnSwitchyard(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Child> {
  const proc = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const child: Child = { proc, stdout: '', stderr: '', exited: new Promise((r) => proc.on('exit', (code) => r(code))) };
  proc.stdout!.on('data', (d) => (child.stdout += d));
  proc.stderr!.on('data', (d) => (child.stderr += d));
  const deadline = Date.now() + 20_000;
  while (!child.stderr.includes('switchyard running')) {
    if (proc.exitCode !== null) throw new Error(`switchyard exited with ${proc.exitCode}: ${child.stderr}`);
    if (Date.now() > deadline) throw new Error(`switchyard did not start: ${child.stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return child;
}
