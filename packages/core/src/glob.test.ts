import { describe, expect, it } from 'vitest';
import { GLOB_CASES, SIGNED_CHAR_CASES } from '../test/glob-cases.js';
import { SeededRandom } from '../test/random.js';
import { compileGlob, escapeGlob, matchGlob } from './glob.js';

describe('matchGlob', () => {
  it.each(GLOB_CASES)('%j against %j is %s', (pattern, subject, expected) => {
    expect(matchGlob(pattern, subject)).toBe(expected);
  });

  it.each(SIGNED_CHAR_CASES)(
    'non-ASCII range %j against %j is %s (x86-64 Redis)',
    (pattern, subject, expected) => {
      expect(matchGlob(pattern, subject)).toBe(expected);
    },
  );

  it('treats a lone surrogate as U+FFFD, as UTF-8 encoding does', () => {
    expect(matchGlob('???', '\ud800')).toBe(true);
    expect(matchGlob('\ufffd', '\ud800')).toBe(true);
  });

  it('does not blow up on hostile patterns (Redis bounds backtracking)', () => {
    const subject = 'a'.repeat(200);
    expect(matchGlob(`${'*a'.repeat(40)}*b`, subject)).toBe(false);
    expect(matchGlob(`${'a*'.repeat(40)}a`, subject)).toBe(true);
  });

  it('never matches past 1000 nested stars, like Redis', () => {
    const subject = 'a'.repeat(1100);
    expect(matchGlob('*a'.repeat(1000), subject)).toBe(true);
    expect(matchGlob('*a'.repeat(1001), subject)).toBe(false);
    // consecutive stars collapse and do not nest
    expect(matchGlob(`${'*'.repeat(5000)}a`, subject)).toBe(true);
  });
});

describe('compileGlob', () => {
  it('returns a reusable predicate', () => {
    const isMenuItem = compileGlob('menu:item:*');
    expect(['menu:item:1', 'menu:items', 'menu:item:', 'order:1'].map(isMenuItem)).toEqual([
      true,
      false,
      true,
      false,
    ]);
  });

  it('short-circuits a lone * to every key, the empty key included', () => {
    const all = compileGlob('*');
    expect(['', 'a', '😀', '\n'].every(all)).toBe(true);
  });
});

describe('escapeGlob', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a*b', 'a\\*b'],
    ['a?b', 'a\\?b'],
    ['[x]', '\\[x\\]'],
    ['back\\slash', 'back\\\\slash'],
    ['^-.+()$|{}', '^-.+()$|{}'],
    ['é😀', 'é😀'],
  ])('escapes %j as %j', (text, escaped) => {
    expect(escapeGlob(text)).toBe(escaped);
  });

  it('makes a pattern that matches only the text itself (seeded property check)', () => {
    const random = new SeededRandom(0xf0_4e0);
    const alphabet = ['a', 'b', '*', '?', '[', ']', '^', '-', '\\', '.', '{', '}', 'é', '😀', ' ', '\n'];
    for (let i = 0; i < 3000; i++) {
      const text = random.string(alphabet, 0, 12);
      const pattern = escapeGlob(text);
      expect(matchGlob(pattern, text), `${JSON.stringify(pattern)} vs ${JSON.stringify(text)}`).toBe(true);
      expect(matchGlob(pattern, `${text}x`)).toBe(false);
      expect(matchGlob(pattern, `x${text}`)).toBe(false);
      expect(matchGlob(`${pattern}*`, `${text}x`)).toBe(true);
      if (text.length > 0) expect(matchGlob(pattern, text.slice(0, -1))).toBe(false);
    }
  });

  it('keeps the rest of a pattern working around escaped user data', () => {
    const id = 'we*rd[1]?';
    const pattern = `menu:${escapeGlob(id)}:*`;
    expect(matchGlob(pattern, `menu:${id}:price`)).toBe(true);
    expect(matchGlob(pattern, 'menu:weXrd1Z:price')).toBe(false);
  });
});
