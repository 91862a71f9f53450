import { randomBytes } from 'node:crypto';

/** Bytes drawn per token: 128 bits, so two acquisitions never share a token. */
const TOKEN_BYTES = 16;
/** Tokens drawn per `randomBytes` call: one system call serves many acquisitions. */
const POOL_TOKENS = 256;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * A fresh 128-bit random token (22 base64url characters) identifying one acquisition. Only the
 * holder knows it, so only the holder can extend or release the lock.
 */
export function createToken(): string {
  if (offset + TOKEN_BYTES > pool.length) {
    pool = randomBytes(TOKEN_BYTES * POOL_TOKENS);
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + TOKEN_BYTES);
  offset += TOKEN_BYTES;
  return token;
}
