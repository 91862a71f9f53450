import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { InvalidConfigError } from '@forno/core';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs `Authorization: Bearer <admin token>`. */
    admin?: boolean;
  }
}

/** Route `config` of the routes that change prices, stock, caches, the kitchen, segments, or expose internals. */
export const ADMIN_ONLY = { admin: true } as const;

/** Shortest `PIZZERIA_ADMIN_TOKEN` accepted: shorter is guessable. */
export const MIN_ADMIN_TOKEN_LENGTH = 16;

/** The admin token and where it came from. */
export interface AdminToken {
  readonly token: string;
  /** True when `PIZZERIA_ADMIN_TOKEN` was unset and the token was generated for this run. */
  readonly generated: boolean;
}

/**
 * `PIZZERIA_ADMIN_TOKEN`, or — when it is unset — a random 256-bit token for this run, which the
 * app prints with its URL (as Jupyter does), so `pnpm demo` stays usable and no admin route is open
 * by default. A configured token shorter than {@link MIN_ADMIN_TOKEN_LENGTH} is refused (without
 * echoing it).
 */
export function adminTokenFromEnv(env: NodeJS.ProcessEnv = process.env): AdminToken {
  const configured = env.PIZZERIA_ADMIN_TOKEN?.trim() ?? '';
  if (configured === '') return { token: randomBytes(32).toString('base64url'), generated: true };
  if (configured.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new InvalidConfigError(
      'PIZZERIA_ADMIN_TOKEN',
      `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters (got ${configured.length}); e.g. openssl rand -base64 32`,
    );
  }
  return { token: configured, generated: false };
}

/**
 * Whether an `Authorization` header carries `token` as a Bearer token. Compares SHA-256 digests in
 * constant time, so neither the token's length nor its prefix leaks through timing.
 */
export function hasAdminToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (match === null) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
