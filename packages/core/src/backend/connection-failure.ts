import { CacheAuthError, CacheTlsError } from '../errors.js';

/** Node.js codes of a server certificate that does not verify against the configured CAs. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const EXPIRED_CERTIFICATE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** OpenSSL's answer when the peer does not speak TLS (plaintext where a TLS record was expected). */
const NOT_TLS = /wrong version number|packet length too long|unknown protocol|http request/i;

/** What is known about the connection when it failed. */
export interface FailureContext {
  /** The client was configured for TLS. */
  readonly tls: boolean;
  /** The TCP connection was up and the handshake (HELLO/AUTH) under way. */
  readonly handshaking: boolean;
  /** The client was ready at least once before (so the configuration worked then). */
  readonly connectedBefore: boolean;
}

/**
 * The typed error for a connection failure that retrying cannot fix, or `undefined` for one that
 * may be transient (refused, reset, timed out). Recognised:
 *
 * - `WRONGPASS` (wrong password, unknown or disabled ACL user) and `NOAUTH` (no password where
 *   one is required) → `CacheAuthError`;
 * - a certificate that does not verify, has expired or names another host, or a server that does
 *   not speak TLS → `CacheTlsError` with the Node.js code as `reason`;
 * - a plaintext client whose very first handshake is reset by the server — what a TLS port does
 *   with plaintext — → `CacheTlsError` with reason `TLS_EXPECTED`. Once a client has been ready,
 *   a reset is treated as transient (a proxy without a backend resets too).
 *
 * `cause` becomes the typed error's cause: the client's error, with whatever it carries of the
 * failed command (`HELLO 3 AUTH user password`) redacted by the driver (default: `error` itself).
 * Both drivers classify their clients' errors here; a Cluster client's "all nodes failed" error
 * is looked into (`lastNodeError`).
 */
export function connectionFailureOf(
  error: unknown,
  context: FailureContext,
  cause: unknown = error,
): CacheAuthError | CacheTlsError | undefined {
  const nodeError = innermost(error);
  const message = String(nodeError?.message ?? '');
  const code = typeof nodeError?.code === 'string' ? nodeError.code : undefined;
  const options = { cause };
  if (/^WRONGPASS\b|invalid password|invalid username-password/i.test(message)) {
    return new CacheAuthError(
      'WRONGPASS',
      'Redis rejected the username or password (wrong password, or an unknown or disabled ACL user)',
      options,
    );
  }
  if (/^NOAUTH\b/.test(message)) {
    return new CacheAuthError('NOAUTH', 'Redis requires a password, and none was configured', options);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new CacheTlsError(
      code,
      "the server's TLS certificate is for another host name (connect by a name it lists, or set tls.servername)",
      options,
    );
  }
  if (code !== undefined && UNTRUSTED_CERTIFICATE.has(code)) {
    return new CacheTlsError(
      code,
      "the server's TLS certificate is not signed by a trusted CA (give the CA that signed it as tls.ca)",
      options,
    );
  }
  if (code !== undefined && EXPIRED_CERTIFICATE.has(code)) {
    return new CacheTlsError(code, "the server's TLS certificate is expired or not yet valid", options);
  }
  if (context.tls && (code?.startsWith('ERR_SSL_') || NOT_TLS.test(message))) {
    return new CacheTlsError(
      code ?? 'TLS_NOT_SPOKEN',
      'the server does not speak TLS on this port (use redis:// and no tls option, or the TLS port)',
      options,
    );
  }
  if (!context.tls && !context.connectedBefore && context.handshaking && code === 'ECONNRESET') {
    return new CacheTlsError(
      'TLS_EXPECTED',
      'the server reset the connection during the handshake: this port probably expects TLS (use rediss:// or the tls option)',
      options,
    );
  }
  return undefined;
}

/** The error that says what happened: a Cluster's "all nodes failed" carries it as `lastNodeError`. */
function innermost(error: unknown): { message?: unknown; code?: unknown } | undefined {
  const outer = error as { lastNodeError?: unknown } | null | undefined;
  return (outer?.lastNodeError ?? error) as { message?: unknown; code?: unknown } | undefined;
}
