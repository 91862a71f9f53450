import { describe, expect, it } from 'vitest';
import { addFloat } from './float.js';

const NOT_A_FLOAT = 'ERR value is not a valid float';

/** `stored`, then each increment in turn, as the fake stores them. */
function chain(stored: string | undefined, ...increments: number[]): string | undefined {
  let text = stored;
  for (const increment of increments) text = addFloat(text, increment, NOT_A_FLOAT);
  return text;
}

// Every expected text below is what redis-server 7.0.15 stored for the same INCRBYFLOAT calls.
describe('addFloat (INCRBYFLOAT in long double, printed with %.17Lf)', () => {
  it('prints small decimals as typed', () => {
    expect(chain(undefined, 0.1, 0.2)).toBe('0.3');
    expect(chain('10.50', 0.1)).toBe('10.6');
    expect(chain('5.0e3', 200)).toBe('5200');
    expect(chain('-5', 2.5e-3)).toBe('-4.9975');
    expect(chain('3', -3)).toBe('0');
  });

  it('keeps the long double rounding that shows past 2^52', () => {
    expect(chain('9007199254740991', 0.1)).toBe('9007199254740991.10009765625');
    expect(chain(undefined, 123456789.12345679)).toBe('123456789.12345679000281962');
    expect(chain(undefined, 123456789.12345679, 1e-10)).toBe('123456789.12345679010468302');
    expect(chain('1e20', 1.5)).toBe('100000000000000000000');
  });

  it('stores what it printed: digits past the 17th decimal are gone', () => {
    expect(chain(undefined, 1e-20)).toBe('0');
    expect(chain(undefined, -1e-20)).toBe('0');
    expect(chain(undefined, 5e-324)).toBe('0');
    expect(chain(undefined, 1e-20, 1)).toBe('1');
  });

  it('prints a large sum with all its digits', () => {
    expect(chain(undefined, 0.1, 0.2, 1e300)).toBe(
      '1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144',
    );
  });

  it('refuses a stored text that is not a number, and a non-finite increment', () => {
    expect(() => addFloat('abc', 1, NOT_A_FLOAT)).toThrow(NOT_A_FLOAT);
    expect(() => addFloat(' 1', 1, NOT_A_FLOAT)).toThrow(NOT_A_FLOAT);
    expect(() => addFloat('1', Number.POSITIVE_INFINITY, NOT_A_FLOAT)).toThrow('NaN or Infinity');
  });
});
