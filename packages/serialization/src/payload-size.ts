import { integerOption, PayloadTooLargeError } from '@forno/core';

/**
 * Default `maxPayloadBytes`: 64 MiB. Larger cache values block Redis' single thread for too long,
 * and the same bound limits what a decompression bomb can make a reader allocate. Redis itself
 * refuses strings over 512 MiB (`proto-max-bulk-len`).
 */
export const DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

/** Size in bytes of an encoded value as Redis will store it (strings are sent as UTF-8). */
export function byteLengthOf(encoded: string | Uint8Array): number {
  return typeof encoded === 'string' ? Buffer.byteLength(encoded, 'utf8') : encoded.byteLength;
}

/**
 * Throws {@link PayloadTooLargeError} when `encoded` is over `limit` bytes. For strings, it avoids
 * counting UTF-8 bytes unless the length alone cannot decide (one UTF-16 unit is 1 to 3 bytes).
 */
export function assertPayloadSize(encoded: string | Uint8Array, limit: number, serializer: string): void {
  if (typeof encoded === 'string' && encoded.length * 3 <= limit) return;
  const size = byteLengthOf(encoded);
  if (size > limit) throw tooLarge(`${serializer} encoded a value of ${size} bytes`, limit);
}

/** The error thrown when a value (or a decompressed body) exceeds `maxPayloadBytes`. */
export function tooLarge(what: string, limit: number, cause?: unknown): PayloadTooLargeError {
  return new PayloadTooLargeError(`${what}, over maxPayloadBytes (${limit} bytes)`, { cause });
}

/** Validates a `maxPayloadBytes` option (a positive safe integer), or returns the default. */
export function maxPayloadBytesOption(
  value: number | undefined,
  fallback = DEFAULT_MAX_PAYLOAD_BYTES,
): number {
  return integerOption(value, 'maxPayloadBytes', 1, fallback);
}
