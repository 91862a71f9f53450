/**
 * A reply as Redis hands it to Lua: an integer, a bulk string (bytes), nil (`null`), an array, a
 * status reply (`{ status: 'OK' }`) or an error reply (`{ error: 'ERR ...' }`).
 */
export type RedisReply = number | Buffer | null | RedisReply[] | { status: string } | { error: string };

/** An error reply of a command or a script (`ERR ...`, `WRONGTYPE ...`), with the server's message. */
export class ReplyError extends Error {
  override name = 'ReplyError';
}

/**
 * A Lua number as Redis 7 turns it into a command argument (`%.17g`, every number a double as in
 * Lua 5.1): `10 / 2` → `5`, `0.1 + 0.2` → `0.30000000000000004`, `2 ^ 70` → `1.1805916207174113e+21`.
 * Lua 5.3's own `tostring` would write `5.0` for the first: the fake does not use it.
 */
export function formatLuaNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const [mantissa, exponentText] = value.toExponential(16).split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 17) {
    const sign = exponent < 0 ? '-' : '+';
    return `${withoutTrailingZeros(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return withoutTrailingZeros(value.toFixed(16 - exponent));
}

function withoutTrailingZeros(decimal: string): string {
  return decimal.includes('.') ? decimal.replace(/\.?0+$/, '') : decimal;
}
