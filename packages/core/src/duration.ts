import { InvalidArgumentError } from './errors.js';

/** Unit suffixes accepted in duration strings. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

/**
 * A length of time: milliseconds as a number, or a string with one unit such as `'500ms'`,
 * `'30s'`, `'15m'`, `'4h'` or `'7d'` (decimals allowed: `'1.5s'`). Used for every TTL and timeout.
 */
export type Duration = number | `${number}${DurationUnit}`;

const UNIT_MS: Record<DurationUnit, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION_PATTERN = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d)$/;

/**
 * Converts a {@link Duration} to milliseconds. Throws {@link InvalidArgumentError} naming
 * `argument` for NaN, Infinity, negative numbers and unparseable strings.
 */
export function parseDuration(duration: Duration, argument = 'duration'): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || duration < 0) {
      throw new InvalidArgumentError(argument, `expected a finite, non-negative duration, got ${duration}`);
    }
    return duration;
  }
  if (typeof duration === 'string') {
    const match = DURATION_PATTERN.exec(duration.trim());
    if (match) return Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  throw new InvalidArgumentError(
    argument,
    `expected milliseconds or a string like '500ms', '30s', '4h' or '7d', got ${describe(duration)}`,
  );
}

/**
 * Converts a TTL to whole milliseconds as Redis `PX` expects: rounded up, and strictly positive
 * (a TTL of zero would delete the key at once, which is never what a caller means).
 */
export function parseTtl(ttl: Duration, argument = 'ttl'): number {
  const ms = Math.ceil(parseDuration(ttl, argument));
  if (ms <= 0)
    throw new InvalidArgumentError(argument, `a TTL must be greater than zero, got ${describe(ttl)}`);
  return ms;
}

/** Short, safe description of an arbitrary value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return `a ${typeof value}`;
}
