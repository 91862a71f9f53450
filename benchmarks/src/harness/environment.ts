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
  // The load average says how busy the machine was: a shared machine's figures swing with it.
  const load = os.loadavg()[0]!.toFixed(1);
  return `Node ${process.version}, Redis ${redis.replace(/^v=/, '')}, ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${os.platform()} ${os.release()}, load average ${load} at start`;
}
