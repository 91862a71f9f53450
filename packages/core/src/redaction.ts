/**
 * Keeping secrets (passwords, ACL usernames, TLS private keys, credentials in URLs) out of
 * everything a program prints: error messages, logs, `util.inspect` and `JSON.stringify` output.
 */

/** What a secret is replaced with wherever it would be shown. */
export const REDACTED = '[redacted]';

const SCHEME = /^([a-z][a-z\d+.-]*:)\/\//i;
/** A path that is only a database number (`/0`), which is worth showing. */
const DATABASE_PATH = /^\/?\d*$/;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A connection URL safe to show: scheme, host, port and a database-number path are kept;
 * credentials, any other path, the query and the fragment become `[redacted]`.
 *
 * `redis://alice:hunter2@cache:6379/2` → `redis://[redacted]@cache:6379/2`.
 *
 * Credentials are everything before the **last** `@` — not what a URL parser calls the userinfo: a
 * raw `/`, `?` or `#` in a password ends the parser's authority early and would leave the rest of
 * the password in the "path" (`redis://:hun/ter2@host`). What follows the credentials is split
 * with the WHATWG URL parser; when it refuses it, the host part is shown as written. Text that is
 * not a URL at all (a password pasted in the wrong place?) is redacted whole.
 */
export function redactUrl(text: string): string {
  const scheme = SCHEME.exec(String(text));
  if (scheme === null) return REDACTED;
  const protocol = scheme[1]!.toLowerCase();
  const rest = text.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  const credentials = at === -1 ? '' : `${REDACTED}@`;
  const location = rest.slice(at + 1);
  let parsed: URL | undefined;
  try {
    parsed = new URL(`${protocol}//${location}`);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined) {
    const host = /^[^/?#]*/.exec(location)![0];
    const tail = location.slice(host.length);
    return `${protocol}//${credentials}${host}${tail === '' ? '' : `/${REDACTED}`}`;
  }
  const path = DATABASE_PATH.test(parsed.pathname) ? parsed.pathname : `/${REDACTED}`;
  const query = parsed.search === '' && !location.includes('?') ? '' : `?${REDACTED}`;
  const fragment = parsed.hash === '' && !location.includes('#') ? '' : `#${REDACTED}`;
  return `${protocol}//${credentials}${parsed.host}${path}${query}${fragment}`;
}

/**
 * Makes the named fields of `target` secret, in place, and returns it: they stay readable by code
 * (`config.password`) but become non-enumerable, so spreads, `Object.entries` and loggers that walk
 * own properties skip them, and `JSON.stringify` and `util.inspect` show `[redacted]` in their
 * place (only for fields that are set). Nested objects are hidden with their own call.
 */
export function hideSecrets<T extends object>(target: T, fields: readonly (keyof T & string)[]): T {
  const order = Object.keys(target);
  const secrets = new Set<string>(
    fields.filter((field) => (target as Record<string, unknown>)[field] !== undefined),
  );
  for (const field of fields) {
    if (!Object.hasOwn(target, field)) continue;
    const value = (target as Record<string, unknown>)[field];
    Object.defineProperty(target, field, { value, enumerable: false, writable: false, configurable: true });
  }
  const shown = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const key of order) {
      if (secrets.has(key)) out[key] = REDACTED;
      else if (Object.hasOwn(target, key) && !fields.includes(key as keyof T & string)) {
        out[key] = (target as Record<string, unknown>)[key];
      }
    }
    return out;
  };
  Object.defineProperty(target, 'toJSON', { value: shown, enumerable: false, configurable: true });
  // util.inspect formats whatever a custom inspector returns that is not a string.
  Object.defineProperty(target, INSPECT, { value: shown, enumerable: false, configurable: true });
  return target;
}
