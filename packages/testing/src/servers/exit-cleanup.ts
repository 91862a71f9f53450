/**
 * Last-resort cleanup when the test process ends: whatever a test forgot to stop (or could not,
 * because it failed half-way) is killed with SIGKILL, so no redis-server outlives the run.
 *
 * Two ways out are covered. A normal exit or `process.exit()` fires `exit`. A termination signal
 * does not: vitest ends its fork workers with SIGTERM, and Ctrl-C sends SIGINT. For those, a
 * handler runs the cleanups, removes itself, and raises the signal again when nobody else listens,
 * so the process still dies of it as it would have (the `signal-exit` pattern). Handlers are
 * installed only while something is registered. A SIGKILLed process runs no code, so it can still
 * leak its servers.
 *
 * Cleanups run synchronously (`process.kill`, `rmSync`): `exit` allows nothing else.
 */

const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
const cleanups = new Set<() => void>();
let installed = false;

/**
 * Registers a synchronous cleanup to run when the process exits or is terminated by a signal;
 * returns a function that unregisters it (call it once the resource was released normally).
 */
export function onProcessExit(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  install();
  return () => {
    cleanups.delete(cleanup);
    if (cleanups.size === 0) uninstall();
  };
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', runCleanups);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

function onSignal(signal: NodeJS.Signals): void {
  runCleanups();
  uninstall();
  // our listener suppressed the default action (terminate); restore it unless someone else handles the signal
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    try {
      cleanup();
    } catch {
      // best effort: the process is ending, and one failure must not stop the other cleanups
    }
  }
  cleanups.clear();
}
