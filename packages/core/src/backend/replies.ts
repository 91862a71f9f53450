import type { RawLexBound, RawScored, RawValue } from '../repository/raw-commands.js';
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

/** A cursor as a reply carries it (text, a Buffer in binary mode, rarely a number), as text. */
function cursorText(cursor: unknown): string {
  return Buffer.isBuffer(cursor) ? cursor.toString('latin1') : String(cursor);
}

/**
 * The pages of a cursor command (`HSCAN`, `SSCAN`, `ZSCAN`): calls `page` with `'0'`, then with each
 * cursor the server returned, until it returns `'0'` again; yields each page's items.
 */
export async function* cursorPages<T>(
  page: (cursor: string) => Promise<readonly [cursor: unknown, items: T[]]>,
): AsyncGenerator<T[], void, undefined> {
  let cursor = '0';
  do {
    const [next, items] = await page(cursor);
    cursor = cursorText(next);
    yield items;
  } while (cursor !== '0');
}

/** `HSCAN`'s flat `[field, value, ...]` items as pairs; field names as text even in binary mode. */
export function toFieldValuePairs(items: readonly ValueReply[]): Array<readonly [string, ValueReply]> {
  const pairs: Array<readonly [string, ValueReply]> = [];
  for (let i = 0; i < items.length; i += 2) {
    const field = items[i]!;
    pairs.push([Buffer.isBuffer(field) ? field.toString('utf8') : field, items[i + 1]!]);
  }
  return pairs;
}

/** A float reply (`INCRBYFLOAT`): text, a Buffer or a number, as a number. */
export function toFloat(reply: unknown): number {
  return typeof reply === 'number'
    ? reply
    : Number(Buffer.isBuffer(reply) ? reply.toString('latin1') : reply);
}

/** A lex bound as `ZRANGE ... BYLEX` takes it: `-`, `+`, or `[`/`(` followed by the member's bytes. */
export function toLexArgument(bound: RawLexBound): string | Buffer {
  if (bound === '-' || bound === '+') return bound;
  const marker = bound.exclusive ? '(' : '[';
  const value = toArgument(bound.value);
  return typeof value === 'string' ? marker + value : Buffer.concat([Buffer.from(marker), value]);
}

/**
 * The `FIELDS numfields field...` tail of the hash-field TTL commands (`HPEXPIRE`, `HPTTL`,
 * `HPEXPIRETIME`, `HPERSIST`, Redis 7.4+).
 */
export function hashFieldArguments(fields: readonly string[]): string[] {
  return ['FIELDS', String(fields.length), ...fields];
}
