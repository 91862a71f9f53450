import { CommandError } from '@forno/core';

/**
 * INCRBYFLOAT/HINCRBYFLOAT as Redis computes them: the stored text and the increment are read as
 * x87 `long double`s (a 64-bit significand, `strtold`), added in `long double`, and the sum is
 * printed with `%.17Lf` and its trailing zeros removed. So `9007199254740991 + 0.1` is stored as
 * `9007199254740991.10009765625` (the nearest long double), and `0.1 + 0.2` as `0.3`.
 */

/** A binary floating-point value: `significand × 2^exponent`, the significand below 2^64. */
interface LongDouble {
  readonly significand: bigint;
  readonly exponent: number;
}

const SIGNIFICAND_BITS = 64;
const TOP = 1n << BigInt(SIGNIFICAND_BITS);
const BOTTOM = 1n << BigInt(SIGNIFICAND_BITS - 1);
/** Decimals of `%.17Lf`. */
const PLACES = 17;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** `a / b` rounded to the nearest integer, ties to even (b > 0, a ≥ 0). */
function divideRounded(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  const twice = (a % b) * 2n;
  if (twice > b || (twice === b && (quotient & 1n) === 1n)) return quotient + 1n;
  return quotient;
}

/** The long double nearest to `numerator / denominator` × 2^`shift` (denominator > 0). */
function nearest(numerator: bigint, denominator: bigint, shift = 0): LongDouble {
  if (numerator === 0n) return { significand: 0n, exponent: 0 };
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  let exponent = magnitude.toString(2).length - denominator.toString(2).length - SIGNIFICAND_BITS;
  const scaled = (e: number) =>
    e >= 0
      ? divideRounded(magnitude, denominator << BigInt(e))
      : divideRounded(magnitude << BigInt(-e), denominator);
  let significand = scaled(exponent);
  while (significand >= TOP) significand = scaled(++exponent);
  while (significand < BOTTOM) significand = scaled(--exponent);
  if (significand === TOP) {
    significand = BOTTOM;
    exponent += 1;
  }
  return { significand: negative ? -significand : significand, exponent: exponent + shift };
}

/** `strtold` of a decimal text (`'10.5'`, `'3e2'`), or `undefined` if it is not one. */
function parse(text: string): LongDouble | undefined {
  const match = DECIMAL.exec(text);
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole = '', fraction = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fraction.length;
  if (Math.abs(exponent) > 5_000) return undefined;
  let digits = BigInt(`${whole}${fraction}` || '0');
  if (sign === '-') digits = -digits;
  return exponent >= 0
    ? nearest(digits * 10n ** BigInt(exponent), 1n)
    : nearest(digits, 10n ** BigInt(-exponent));
}

/** The sum of two long doubles, rounded to the nearest long double. */
function add(a: LongDouble, b: LongDouble): LongDouble {
  const low = Math.min(a.exponent, b.exponent);
  const sum = (a.significand << BigInt(a.exponent - low)) + (b.significand << BigInt(b.exponent - low));
  return nearest(sum, 1n, low);
}

/** `%.17Lf` of `value` with the trailing zeros (and a trailing '.') removed; `-0` prints as `0`. */
function format(value: LongDouble): string {
  const negative = value.significand < 0n;
  const magnitude = negative ? -value.significand : value.significand;
  let text: string;
  if (value.exponent >= 0) {
    text = (magnitude << BigInt(value.exponent)).toString();
  } else {
    const scaled = divideRounded(magnitude * 10n ** BigInt(PLACES), 1n << BigInt(-value.exponent));
    const digits = scaled.toString().padStart(PLACES + 1, '0');
    const fraction = digits.slice(-PLACES).replace(/0+$/, '');
    const whole = digits.slice(0, -PLACES);
    text = fraction === '' ? whole : `${whole}.${fraction}`;
  }
  return negative && text !== '0' ? `-${text}` : text;
}

/**
 * INCRBYFLOAT/HINCRBYFLOAT on a stored text (`undefined`: absent, read as 0). Returns the text to
 * store; a stored text that is not a number fails with `notAFloat`.
 */
export function addFloat(stored: string | undefined, increment: number, notAFloat: string): string {
  const current = stored === undefined ? nearest(0n, 1n) : parse(stored);
  if (current === undefined) throw new CommandError(notAFloat);
  const step = Number.isFinite(increment) ? parse(String(increment)) : undefined;
  if (step === undefined) throw new CommandError('ERR increment would produce NaN or Infinity');
  return format(add(current, step));
}
