import type { RawScriptReply } from '../repository/raw-commands.js';
import type { Script } from '../repository/script.js';
import { assertSameSlot } from './hash-slots.js';

/**
 * Runs a script by its SHA1 and, when the server does not know it yet (`NOSCRIPT`: first use,
 * after `SCRIPT FLUSH`, a restart or a failover), by its source: `send` gets `['EVALSHA', sha,
 * ...tail]`, then `['EVAL', source, ...tail]`. A `NOSCRIPT` reply means nothing ran, so the second
 * send is safe even for a script that must not run twice. What both drivers share for scripts.
 */
export function evalShaThenEval<A>(
  send: (command: readonly (string | A)[]) => Promise<unknown>,
  sha: string,
  source: string,
  tail: readonly (string | A)[],
): Promise<unknown> {
  return send(['EVALSHA', sha, ...tail]).catch((error: unknown) => {
    if (!isNoScriptError(error)) throw error;
    return send(['EVAL', source, ...tail]);
  });
}

/** Whether `error` is the server's `NOSCRIPT` reply (as a client's error or a typed one). */
export function isNoScriptError(error: unknown): boolean {
  return String((error as Error | null)?.message).startsWith('NOSCRIPT');
}

/**
 * On Cluster (`cluster`), throws `CrossSlotError` when a script's keys span hash slots: a driver
 * calls it before the command runner's attempt, so nothing is sent.
 */
export function assertScriptKeysShareSlot(cluster: boolean, script: Script, keys: readonly string[]): void {
  if (cluster && keys.length > 1) assertSameSlot(`script ${script.name}`, keys);
}

/** {@link evalShaThenEval} of `script` with `keys` and `args`: what a driver's raw `evalScript` sends. */
export function evalScriptWith<A>(
  send: (command: readonly (string | A)[]) => Promise<unknown>,
  script: Script,
  keys: readonly string[],
  args: readonly A[],
): Promise<RawScriptReply> {
  return evalShaThenEval<A>(send, script.sha, script.source, [
    String(keys.length),
    ...keys,
    ...args,
  ]) as Promise<RawScriptReply>;
}
