/**
 * Errors thrown by the real-server helpers.
 *
 * They are deliberately not `CacheError`s from `@forno/core`: they describe a broken test
 * environment (no binary, a server that would not start), never a cache failure that production
 * code should handle or fall back from. Each carries a stable `code`, and a static `is()` guard
 * that compares codes so it works across duplicate installs.
 */

/** Common shape of the errors of this module: a stable `code` and a code-based `is()` guard. */
abstract class ServerHelperError extends Error {
  /** Stable, machine-readable code of this error class. */
  static readonly code: string = 'E_SERVER_HELPER';

  /** Stable, machine-readable code of this error (the class's static `code`). */
  readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as unknown as { readonly code: string; readonly name: string };
    this.name = ctor.name;
    this.code = ctor.code;
  }

  /** True when `value` carries this class's `code`; works when two copies of the package are installed. */
  static is<T extends ServerHelperError>(
    this: abstract new (
      ...args: never[]
    ) => T,
    value: unknown,
  ): value is T {
    const expected = (this as unknown as { readonly code: string }).code;
    return (value as { code?: unknown } | null | undefined)?.code === expected && value instanceof Error;
  }
}

/**
 * A Redis binary (`redis-server`, `redis-cli`) could not be spawned because it does not exist.
 * Integration tests need a local Redis installation; the message says how to get one.
 */
export class RedisServerNotFoundError extends ServerHelperError {
  static override readonly code: string = 'E_REDIS_SERVER_NOT_FOUND';

  /** The binary that was looked up, as given (a bare name is searched on `PATH`). */
  readonly binary: string;

  /** @param options.hint What to do instead of the default advice (install Redis 7). */
  constructor(binary: string, options?: { cause?: unknown; hint?: string }) {
    super(
      `Cannot run "${binary}": not found${binary.includes('/') ? '' : ' on PATH'}. ` +
        (options?.hint ??
          'The integration tests start real Redis servers: install Redis 7 ' +
            '(`apt-get install redis-server` on Debian/Ubuntu, `brew install redis` on macOS) ' +
            "or pass the binary's path with the `binary` option."),
      options,
    );
    this.binary = binary;
  }
}

/**
 * A Redis process did not become ready: it exited during startup, or did not answer PING within
 * the start timeout. The message ends with the tail of the server's log so the cause is visible
 * in the test output without hunting for a temp file.
 */
export class RedisServerStartError extends ServerHelperError {
  static override readonly code: string = 'E_REDIS_SERVER_START';

  /** The port the server tried to listen on. */
  readonly port: number;
  /** Last lines of the server's log file and console output. */
  readonly logTail: string;
  /** True when the server could not bind its port (or cluster bus port): another process holds it. */
  readonly portInUse: boolean;

  constructor(message: string, details: { port: number; logTail: string; cause?: unknown }) {
    super(`${message}\n--- redis log (tail) ---\n${details.logTail || '(empty)'}`, { cause: details.cause });
    this.port = details.port;
    this.logTail = details.logTail;
    this.portInUse = /Address already in use/i.test(details.logTail);
  }
}

/** Redis answered a command with an error reply (`-ERR ...`, `-WRONGPASS ...`); `message` is the server's text. */
export class RedisReplyError extends ServerHelperError {
  static override readonly code: string = 'E_REDIS_REPLY';

  /** First word of the server message, e.g. `ERR`, `WRONGTYPE`, `NOAUTH`, `MOVED`, `NOGOODSLAVE`. */
  readonly prefix: string;

  constructor(serverMessage: string) {
    super(serverMessage);
    this.prefix = serverMessage.split(' ', 1)[0] ?? '';
  }
}

/** A command got no complete reply in time, e.g. because the server is paused (SIGSTOP) or overloaded. */
export class RedisCommandTimeoutError extends ServerHelperError {
  static override readonly code: string = 'E_REDIS_COMMAND_TIMEOUT';
}
