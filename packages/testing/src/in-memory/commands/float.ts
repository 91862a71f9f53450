import { CommandError } from '@forno/core';

/** Decimal places Redis keeps for INCRBYFLOAT results (`%.17Lf`, trailing zeros removed). */
const PLACES = 17;
const SCALE = 10n ** BigInt(PLACES);
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** A decimal text (`'10.5'`, `'3e2'`) as an integer count of 10^-17, or `undefined` if it is not one. */
function toScaled(text: string): bigint | undefined {
  const match = DECIMAL.exec(text.trim());
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) return undefined;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const digits = BigInt(`${whole}${fraction}` || '0');
  const shift = Number(exponent) - fraction.length + PLACES;
  if (Math.abs(shift) > 400) return undefined;
  const scaled = shift >= 0 ? digits * 10n ** BigInt(shift) : digits / 10n ** BigInt(-shift);
  return sign === '-' ? -scaled : scaled;
}

function format(scaled: bigint): string {
  const negative = scaled < 0n;
  const magnitude = negative ? -scaled : scaled;
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(PLACES, '0').replace(/0+$/, '');
  const text = fraction === '' ? whole.toString() : `${whole}.${fraction}`;
  return negative && text !== '0' ? `-${text}` : text;
}

/**
 * INCRBYFLOAT/HINCRBYFLOAT on a stored text, as Redis computes it: an exact decimal sum printed with
 * at most 17 decimals (Redis adds in long double, whose error stays below what it prints for the
 * values applications use). Returns the text to store.
 */
export function addFloat(stored: string | undefined, increment: number, notAFloat: string): string {
  const current = stored === undefined ? 0n : toScaled(stored);
  if (current === undefined) throw new CommandError(notAFloat);
  const step = toScaled(String(increment));
  if (step === undefined) throw new CommandError('ERR increment would produce NaN or Infinity');
  return format(current + step);
}
