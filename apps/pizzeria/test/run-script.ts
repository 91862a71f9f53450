import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The app's directory, where `tsx` resolves. */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The environment of a fresh shell: no Redis configured, no admin token chosen. */
export function envWithoutRedis(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.REDIS_URL;
  delete env.REDIS_CLUSTER_NODES;
  delete env.REDIS_CLIENT;
  delete env.PIZZERIA_ADMIN_TOKEN;
  return { ...env, ...extra };
}

/** A TypeScript script of the app, run the way `pnpm start` / `pnpm simulate` run it (tsx). */
export interface ScriptProcess {
  readonly child: ChildProcess;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the exit code (or the signal) once the process exits. */
  readonly exited: Promise<number | NodeJS.Signals>;
}

export function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: APP_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
  });
  return { child, output: () => output, exited };
}
