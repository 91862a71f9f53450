import { InvalidArgumentError } from './errors.js';

/** Unit suffixes accepted in duration strings. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * A length of time: milliseconds as a number, or a string with one unit such as `'500ms'`,
 * `'30s'`, `'15m'`, `'4h'` or `'7d'` (decimals allowed: `'1.5s'`). Used for every TTL and timeout.
 */
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(?:(\d+)(?:\.(\d+))?|\.(\d+))(ms|s|m|h|d)$/;

/**
 * Converts a {@link Duration} to milliseconds. Throws {@link InvalidArgumentError} naming
 * `argument` for NaN, Infinity, negative numbers and unparseable strings.
 */
export function parseDuration(duration: Duration, argument = 'duration'): number {
  return toMilliseconds(duration, argument).ms;
}

/** Largest TTL accepted: beyond it milliseconds lose integer precision (and Redis rejects them). */
const MAX_TTL_MS = Number.MAX_SAFE_INTEGER;

/**
 * Converts a TTL to whole milliseconds as Redis `PX` expects: rounded up, and strictly positive
 * (a TTL of zero would delete the key at once, which is never what a caller means), and at most
 * `Number.MAX_SAFE_INTEGER` so it is sent as an exact integer.
 */
export function parseTtl(ttl: Duration, argument = 'ttl'): number {
  const ms = toMilliseconds(ttl, argument).ceil;
  if (ms <= 0)
    throw new InvalidArgumentError(argument, `a TTL must be greater than zero, got ${describeValue(ttl)}`);
  if (ms > MAX_TTL_MS) {
    throw new InvalidArgumentError(
      argument,
      `a TTL must be at most ${MAX_TTL_MS} ms, got ${describeValue(ttl)}`,
    );
  }
  return ms;
}

/**
 * Milliseconds of a duration, and their ceiling. Strings are computed in decimal, exactly: in
 * floating point `4.03 * 1000` is `4030.0000000000005`, whose ceiling would be 4031.
 */
function toMilliseconds(duration: Duration, argument: string): { ms: number; ceil: number } {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new InvalidArgumentError(argument, `expected a finite, non-negative duration, got ${duration}`);
    }
    const ms = duration === 0 ? 0 : duration; // no -0
    return { ms, ceil: Math.ceil(ms) };
  }
  if (typeof duration === 'string') {
    const match = DURATION_PATTERN.exec(duration.trim());
    if (match) {
      const fraction = (match[2] ?? match[3] ?? '').replace(/0+$/, '');
      const scale = 10n ** BigInt(fraction.length);
      const total = BigInt((match[1] ?? '') + fraction || '0') * BigInt(UNIT_MS[match[4] as DurationUnit]);
      const whole = total / scale;
      const remainder = total % scale;
      const ms = Number(whole) + Number((remainder * FRACTION_DIGITS) / scale) / Number(FRACTION_DIGITS);
      if (!Number.isFinite(ms))
        throw new InvalidArgumentError(argument, `too large, got ${describeValue(duration)}`);
      return { ms, ceil: Number(remainder === 0n ? whole : whole + 1n) };
    }
  }
  throw new InvalidArgumentError(
    argument,
    `expected milliseconds or a string like '500ms', '30s', '4h' or '7d', got ${describeValue(duration)}`,
  );
}

/** Precision kept for the sub-millisecond part of a duration string. */
const FRACTION_DIGITS = 10n ** 15n;

/** Short, safe description of an arbitrary value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
