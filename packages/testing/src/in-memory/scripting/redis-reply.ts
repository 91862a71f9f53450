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
 * A Lua number as Redis' Lua 5.1 turns it into a command argument (`%.14g`): an integer-valued
 * number as an integer (`5`, also for the float `10/2`), any other with 14 significant digits.
 * Lua 5.3's own `tostring` would write `5.0`.
 */
export function formatLuaNumber(value: number, isInteger: boolean): string {
  if (isInteger || (Number.isInteger(value) && Math.abs(value) < 1e15)) return String(value);
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(Number(value.toPrecision(14)));
}
