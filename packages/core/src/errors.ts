/**
 * Typed errors shared by every Forno package.
 *
 * Each error carries a stable `code` (e.g. `E_CACHE_TIMEOUT`) and, where it wraps a lower-level
 * failure, that failure as `cause`. `instanceof` breaks when two copies of a package are installed,
 * so every class also has a static `is()` guard that checks codes instead of prototypes.
 */

const BRAND = Symbol.for('forno.error.codes');

type ErrorClass = { readonly code: string } & (abstract new (...args: never[]) => CacheError);

/** Options accepted by every Forno error constructor. */
export interface CacheErrorOptions {
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/** Base class of every error Forno throws on purpose. Catch this to handle any cache failure. */
export class CacheError extends Error {
  /** Stable, machine-readable code of this error class. */
  static readonly code: string = 'E_CACHE';

  /** Stable, machine-readable code of this error (the class's static `code`). */
  readonly code: string;

  declare readonly [BRAND]: readonly string[];

  constructor(message: string, options: CacheErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as ErrorClass;
    this.name = ctor.name;
    this.code = ctor.code;
    Object.defineProperty(this, BRAND, { value: codesOf(ctor), enumerable: false });
  }

  /**
   * True when `value` is an instance of this error class or of a subclass, judged by codes so it
   * works across duplicate installs: `CacheTimeoutError.is(err)`.
   */
  static is<T extends CacheError>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    const codes = (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND];
    return Array.isArray(codes) && codes.includes((this as unknown as ErrorClass).code);
  }
}

function codesOf(ctor: ErrorClass): string[] {
  const codes: string[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && 'code' in c; c = Object.getPrototypeOf(c)) {
    codes.push((c as ErrorClass).code);
  }
  return codes;
}

/** True for any error thrown by Forno (any install). With `code`, only for that code or its subclasses. */
export function isCacheError(value: unknown, code?: string): value is CacheError {
  const codes = (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND];
  return Array.isArray(codes) && (code === undefined || codes.includes(code));
}

/** The backend cannot be reached: connection refused, closed, or not yet connected. Safe to fall back. */
export class CacheUnavailableError extends CacheError {
  static override readonly code: string = 'E_CACHE_UNAVAILABLE';
}

/**
 * Redis refused the connection's credentials: a wrong password or an unknown or disabled ACL user
 * (`WRONGPASS`), or no password where one is required (`NOAUTH`). Retrying cannot help, so the
 * driver stops reconnecting in a loop. An outage for the layers above (a `CacheUnavailableError`).
 */
export class CacheAuthError extends CacheUnavailableError {
  static override readonly code: string = 'E_CACHE_AUTH';

  /** Why, as Redis or Node.js names it: `'WRONGPASS'`, `'NOAUTH'`. */
  readonly reason: string;

  constructor(reason: string, message: string, options?: CacheErrorOptions) {
    super(`${message} (${reason})`, options);
    this.reason = reason;
  }
}

/**
 * The TLS connection cannot be established as configured: the server certificate is not trusted
 * (wrong CA, self-signed, expired) or names another host, or one side speaks TLS and the other
 * does not. Retrying cannot help, so the driver stops reconnecting in a loop. An outage for the
 * layers above (a `CacheUnavailableError`).
 */
export class CacheTlsError extends CacheUnavailableError {
  static override readonly code: string = 'E_CACHE_TLS';

  /** Why, as Node.js names it (`'SELF_SIGNED_CERT_IN_CHAIN'`, `'ERR_TLS_CERT_ALTNAME_INVALID'`), or `'TLS_EXPECTED'`. */
  readonly reason: string;

  constructor(reason: string, message: string, options?: CacheErrorOptions) {
    super(`${message} (${reason})`, options);
    this.reason = reason;
  }
}

/** The backend did not answer within `commandTimeout`. The command may or may not have been applied. */
export class CacheTimeoutError extends CacheError {
  static override readonly code: string = 'E_CACHE_TIMEOUT';
}

/** A caller passed a bad argument (key, TTL, option...). Thrown before any command is sent. */
export class InvalidArgumentError extends CacheError {
  static override readonly code: string = 'E_INVALID_ARGUMENT';

  /** Name of the offending argument or option, e.g. `ttl` or `options.nx`. */
  readonly argument: string;

  constructor(argument: string, message: string, options?: CacheErrorOptions) {
    super(`Invalid ${argument}: ${message}`, options);
    this.argument = argument;
  }
}

/** A configuration object has a bad or unknown field. Thrown by constructors, before connecting. */
export class InvalidConfigError extends InvalidArgumentError {
  static override readonly code: string = 'E_INVALID_CONFIG';
}

/** A value could not be serialized, or stored bytes could not be deserialized. */
export class SerializationError extends CacheError {
  static override readonly code: string = 'E_SERIALIZATION';

  /** The key being written or read, when the repository knows it. */
  readonly key: string | undefined;

  constructor(message: string, options: CacheErrorOptions & { key?: string | undefined } = {}) {
    super(options.key === undefined ? message : `${message} (key "${options.key}")`, options);
    this.key = options.key;
  }
}

/** A serialized value is larger than the configured `maxPayloadBytes`. Thrown before sending it. */
export class PayloadTooLargeError extends SerializationError {
  static override readonly code: string = 'E_PAYLOAD_TOO_LARGE';
}

/**
 * The `SerializationError` to throw when an encode or decode step failed, so serializers and the
 * repository report failures one way. A `SerializationError` (or a subclass such as
 * `PayloadTooLargeError`) keeps its class and gets `key` added when it names none; any other error
 * is wrapped as `<context>: <its message>`, with the original as `cause`. Serializers call it
 * without a key; the repository calls it again with the key it was working on.
 */
export function toSerializationError(error: unknown, context: string, key?: string): SerializationError {
  if (SerializationError.is(error)) {
    if (error.key !== undefined || key === undefined) return error;
    const ErrorClass = error.constructor as typeof SerializationError;
    return new ErrorClass(error.message, { key, cause: error.cause ?? error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SerializationError(`${context}: ${message}`, { key, cause: error });
}

/** The operation targets a key holding another data type (Redis `WRONGTYPE`). */
export class WrongTypeError extends CacheError {
  static override readonly code: string = 'E_WRONG_TYPE';
}

/** A multi-key operation on Redis Cluster spans several hash slots and cannot be split client-side. */
export class CrossSlotError extends CacheError {
  static override readonly code: string = 'E_CROSS_SLOT';
}

/**
 * A `watch` transaction did not run: a watched key changed between `WATCH` and `EXEC`, so Redis
 * discarded every queued command. Nothing was applied; read again and retry if the change still
 * makes sense (Forno never retries it by itself).
 */
export class TransactionConflictError extends CacheError {
  static override readonly code: string = 'E_TRANSACTION_CONFLICT';
}

/** The server rejected a command for another reason (e.g. `INCRBY` on a value that is not an integer). */
export class CommandError extends CacheError {
  static override readonly code: string = 'E_COMMAND';
}

/**
 * A script (`defineScript`) failed on the server: a Lua runtime or compile error, a
 * `redis.error_reply`, or an error a `redis.call` inside it raised (`WRONGTYPE` included). The
 * message is the server's; the original error is the `cause`.
 */
export class ScriptError extends CommandError {
  static override readonly code: string = 'E_SCRIPT';
}

/** A dangerous operation (such as `flushdb`) was called without being explicitly allowed. */
export class ForbiddenOperationError extends CacheError {
  static override readonly code: string = 'E_FORBIDDEN_OPERATION';
}

/** `Repository.add` found an entity with the same id. */
export class EntityExistsError extends CacheError {
  static override readonly code: string = 'E_ENTITY_EXISTS';
}

/** `Repository.update` found no entity with that id. */
export class EntityNotFoundError extends CacheError {
  static override readonly code: string = 'E_ENTITY_NOT_FOUND';
}
