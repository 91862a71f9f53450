import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Where the figures were measured: they only compare within one run on one machine. */
export function describeEnvironment(): string {
  let redis = 'unknown';
  try {
    redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim().split(' ')[2] ?? redis;
  } catch {
    // redis-server missing: the cases that need it will say so.
  }
  const cpus = os.cpus();
  return `Node ${process.version}, Redis ${redis.replace(/^v=/, '')}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${os.platform()} ${os.release()}`;
}
