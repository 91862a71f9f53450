import { seededRandom } from '../src/seeded-random.js';

/** Integers, picks and strings drawn from `seededRandom`, for property-style tests: same seed, same cases, every run. */
export class SeededRandom {
  readonly #next: () => number;

  constructor(seed: number) {
    this.#next = seededRandom(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.#next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** `minLength..maxLength` elements of `alphabet`, concatenated. */
  string(alphabet: readonly string[], minLength: number, maxLength: number): string {
    let out = '';
    const length = this.int(minLength, maxLength);
    for (let i = 0; i < length; i++) out += this.pick(alphabet);
    return out;
  }
}
