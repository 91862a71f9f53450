import { spawn } from 'node:child_process';
import { RedisServerNotFoundError } from './errors.js';
import { onProcessExit } from './exit-cleanup.js';

/** What {@link runProcess} observed: exit code (null when killed by a signal) and interleaved output. */
export interface ProcessResult {
  /** Exit code, or null when the process was killed (e.g. on timeout). */
  code: number | null;
  /** stdout and stderr, interleaved in arrival order. */
  output: string;
  /** True when the process was killed because it exceeded `timeoutMs`. */
  timedOut: boolean;
}

/**
 * Runs a short-lived helper binary (`redis-cli --cluster create ...`) to completion, capturing its
 * output for error messages. It is killed after `timeoutMs`, and on process exit like the servers.
 * A missing binary rejects with {@link RedisServerNotFoundError}.
 */
export function runProcess(
  binary: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const unregister = onProcessExit(() => child.kill('SIGKILL'));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      unregister();
      reject(error.code === 'ENOENT' ? new RedisServerNotFoundError(binary, { cause: error }) : error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      unregister();
      resolve({ code, output, timedOut });
    });
  });
}
