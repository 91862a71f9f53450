import type { RawValue } from '../repository/raw-commands.js';
import type { RawStreamTrim } from '../repository/raw-stream-commands.js';
import { toArgument } from './replies.js';
import { trimArguments } from './stream-replies.js';

/**
 * The arguments of the stream commands (after the command name), built once for both Redis
 * drivers. Numbers are sent as decimal text; values as `toArgument` makes them.
 */

/** `COUNT n`, or nothing for no count. */
export function countArguments(count: number | undefined): string[] {
  return count === undefined ? [] : ['COUNT', String(count)];
}

/** `XADD key [NOMKSTREAM] [trim] id field value...`. */
export function xaddArguments(
  key: string,
  id: string,
  fields: ReadonlyArray<readonly [string, RawValue]>,
  trim: RawStreamTrim | undefined,
  noMkStream: boolean,
): Array<string | Buffer> {
  return [
    key,
    ...(noMkStream ? ['NOMKSTREAM'] : []),
    ...(trim === undefined ? [] : trimArguments(trim)),
    id,
    ...fields.flatMap(([field, value]) => [field, toArgument(value)]),
  ];
}

/** `XRANGE key start end [COUNT n]`, or `XREVRANGE key end start [COUNT n]` with `rev`. */
export function xrangeArguments(
  key: string,
  start: string,
  end: string,
  count: number | undefined,
  rev: boolean,
): string[] {
  return rev ? [key, end, start, ...countArguments(count)] : [key, start, end, ...countArguments(count)];
}

/** `XREAD [COUNT n] STREAMS key... id...`. */
export function xreadArguments(
  streams: ReadonlyArray<readonly [key: string, id: string]>,
  count: number | undefined,
): string[] {
  return [
    ...countArguments(count),
    'STREAMS',
    ...streams.map(([key]) => key),
    ...streams.map(([, id]) => id),
  ];
}

/** `XREADGROUP GROUP group consumer [COUNT n] [NOACK] STREAMS key id`. */
export function xreadgroupArguments(
  key: string,
  group: string,
  consumer: string,
  id: string,
  count: number | undefined,
  noAck: boolean,
): string[] {
  return [
    'GROUP',
    group,
    consumer,
    ...countArguments(count),
    ...(noAck ? ['NOACK'] : []),
    'STREAMS',
    key,
    id,
  ];
}

/** Extended `XPENDING key group [IDLE ms] start end count [consumer]`. */
export function xpendingArguments(
  key: string,
  group: string,
  start: string,
  end: string,
  count: number,
  consumer: string | undefined,
  minIdleMs: number | undefined,
): string[] {
  return [
    key,
    group,
    ...(minIdleMs === undefined ? [] : ['IDLE', String(minIdleMs)]),
    start,
    end,
    String(count),
    ...(consumer === undefined ? [] : [consumer]),
  ];
}
