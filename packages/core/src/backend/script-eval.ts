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
