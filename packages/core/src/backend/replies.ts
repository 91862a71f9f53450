import type { RawScored, RawValue } from '../repository/raw-commands.js';
import { parseScore } from '../validation.js';

/** A value reply, as a Redis client gives it: a string (text mode) or a Buffer (binary mode). */
export type ValueReply = string | Buffer;

/**
 * Member/score pairs from `ZRANGE ... WITHSCORES`, `ZPOPMIN` and friends, whether the client returns
 * them flat (`[m1, s1, m2, s2]`, RESP2 and the legacy RESP3 mapping) or nested (`[[m1, s1], ...]`).
 */
export function toScored(reply: unknown): RawScored[] {
  const items = reply as ReadonlyArray<unknown>;
  const out: RawScored[] = [];
  if (items.length > 0 && Array.isArray(items[0])) {
    for (const pair of items as ReadonlyArray<[ValueReply, ValueReply | number]>) {
      out.push([pair[0], parseScore(pair[1])]);
    }
    return out;
  }
  for (let i = 0; i < items.length; i += 2) {
    out.push([items[i] as RawValue, parseScore(items[i + 1] as ValueReply | number)]);
  }
  return out;
}

/** A score reply (string, number or null). */
export function toScore(reply: unknown): number | null {
  return reply === null || reply === undefined ? null : parseScore(reply as ValueReply | number);
}

/** A value as a command argument: strings as they are, bytes as a Buffer (no copy). */
export function toArgument(value: RawValue): string | Buffer {
  return typeof value === 'string' || Buffer.isBuffer(value)
    ? value
    : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
