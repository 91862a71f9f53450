import { readFile } from 'node:fs/promises';

/**
 * The scheduler state letter of a process from `/proc/<pid>/stat` (`R` running, `S` sleeping,
 * `T` stopped by a signal, `Z` zombie...), or undefined where `/proc` is unavailable (macOS) or the
 * process is gone. `pause()` uses it to return only once SIGSTOP has actually taken effect.
 */
export async function processState(pid: number): Promise<string | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) S ...": comm may contain spaces and parentheses, so read after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || undefined;
  } catch {
    return undefined;
  }
}
