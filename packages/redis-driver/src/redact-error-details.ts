import { REDACTED } from '@forno/core';

/** Commands whose arguments are all secret, or may be: credentials, configuration, scripts. */
const SECRET_COMMANDS = new Set(['auth', 'hello', 'acl', 'config', 'migrate', 'client', 'sentinel']);

/** Where ioredis keeps further errors inside an error. */
const NESTED = ['cause', 'lastNodeError', 'errors', 'previousErrors'] as const;

/**
 * ioredis attaches the failed command to its errors as `command: { name, args }`: for `HELLO` or
 * `AUTH` the password, for a data command the values being stored. Before such an error becomes the
 * `cause` of a Forno error (and so reaches logs), its arguments are replaced — in place, in it and
 * in every error nested inside — by `[redacted]`, keeping the command name and, for data commands,
 * the first argument (usually the key). Returns `error`.
 */
export function redactErrorDetails<T>(error: T): T {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    redactCommand(current as { command?: unknown });
    for (const field of NESTED) {
      const nested = (current as Record<string, unknown>)[field];
      if (Array.isArray(nested)) pending.push(...nested);
      else if (nested !== undefined) pending.push(nested);
    }
  }
  return error;
}

function redactCommand(error: { command?: unknown }): void {
  const command = error.command as { name?: unknown; args?: unknown } | null | undefined;
  if (command === null || typeof command !== 'object' || !Array.isArray(command.args)) return;
  const name = String(command.name ?? '');
  const keepFirst = !SECRET_COMMANDS.has(name.toLowerCase()) && command.args.length > 0;
  const args = command.args.map((arg: unknown, i: number) => (keepFirst && i === 0 ? String(arg) : REDACTED));
  try {
    error.command = { name, args };
  } catch {
    // A frozen error keeps its command; nothing else holds it.
  }
}
