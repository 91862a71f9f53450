/**
 * Known Redis glob behaviours as `[pattern, subject, matches]`. `glob.test.ts` checks `matchGlob`
 * against them; `test/core/glob.int.test.ts` of `@forno/testing` checks them against a real
 * `redis-server`, so the table itself is verified.
 */
export type GlobCase = readonly [pattern: string, subject: string, matches: boolean];

export const GLOB_CASES: readonly GlobCase[] = [
  // literals and the empty pattern / empty key
  ['', '', true],
  ['', 'a', false],
  ['a', 'a', true],
  ['a', 'A', false],
  ['a', 'ab', false],
  ['ab', 'a', false],
  ['*', '', true], // KEYS/SCAN short-circuit a lone `*`
  ['**', '', false], // ...but the matcher itself never matches an empty key
  ['?', '', false],
  ['[^]', '', false],
  // `*`
  ['*', 'anything', true],
  ['**', 'a', true],
  ['***', 'abc', true],
  ['a*', 'a', true],
  ['a*', 'abc', true],
  ['a*', 'ba', false],
  ['*a', 'ba', true],
  ['*a', 'ab', false],
  ['*a*', 'bab', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'acb', false],
  ['*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
  ['*a*a*b', 'aaab', true],
  ['h*llo', 'hllo', true],
  ['h*llo', 'heeeello', true],
  // `?` matches exactly one byte
  ['?', 'a', true],
  ['?', 'ab', false],
  ['??', 'ab', true],
  ['h?llo', 'hello', true],
  ['h?llo', 'hllo', false],
  ['?', '\n', true],
  ['a?b', 'a\nb', true],
  // classes
  ['h[ae]llo', 'hello', true],
  ['h[ae]llo', 'hallo', true],
  ['h[ae]llo', 'hillo', false],
  ['h[^e]llo', 'hallo', true],
  ['h[^e]llo', 'hello', false],
  ['h[a-b]llo', 'hbllo', true],
  ['h[a-b]llo', 'hcllo', false],
  ['[abc]', 'b', true],
  ['[abc]', 'd', false],
  ['[abc]', 'ab', false],
  ['[a-c]', 'c', true],
  ['[a-c]', 'd', false],
  ['[c-a]', 'b', true], // reversed ranges are swapped
  ['[c-a]', 'd', false],
  ['[^a]', 'b', true],
  ['[^a]', 'a', false],
  ['[^a-c]', 'b', false],
  ['[^a-c]', 'z', true],
  ['[]', 'a', false], // `[]` matches nothing...
  ['[]', ']', false],
  ['[]]', ']', false], // ...even when followed by `]`
  ['[^]', 'a', true], // `[^]` matches any byte
  ['[^]', ']', true],
  ['[^]]', 'a]', true],
  ['[^]]', 'a', false],
  ['[ab', 'a', true], // unterminated: closed at the end of the pattern
  ['[ab', 'c', false],
  ['[ab', '[ab', false],
  ['[', '[', false],
  ['[', 'a', false],
  ['[^', 'a', true],
  ['[a-', 'a', true],
  ['[a-', '-', true],
  ['[a-', 'b', false],
  ['[a-]', ']', true], // `a-]` is a range from `]` to `a`...
  ['[a-]', '_', true],
  ['[a-]', '-', false],
  ['[a-]b]', 'b', true], // ...so the class only ends at the next `]`
  ['[a-]b]', 'ab', false],
  ['[a-c-e]', 'b', true],
  ['[a-c-e]', '-', true],
  ['[a-c-e]', 'e', true],
  ['[a-c-e]', 'd', false],
  ['[--a]', '.', true],
  ['[.]', '.', true],
  ['[.]', 'a', false],
  ['[+]', '+', true],
  ['[$|(]', '|', true],
  ['[$|(]', ')', false],
  ['[{]', '{', true],
  ['[^^]', '^', false],
  ['[^^]', 'a', true],
  ['[\n]', '\n', true],
  // escapes, inside and outside classes
  ['\\*', '*', true],
  ['\\*', 'a', false],
  ['\\?', '?', true],
  ['\\?', 'a', false],
  ['\\[', '[', true],
  ['\\]', ']', true],
  ['\\\\', '\\', true],
  ['\\a', 'a', true],
  ['\\', '\\', true], // a trailing backslash is literal
  ['a\\', 'a\\', true],
  ['a\\', 'a', false],
  ['*\\', 'abc\\', true],
  ['a\\*b', 'a*b', true],
  ['a\\*b', 'aXb', false],
  ['[\\]]', ']', true],
  ['[\\]]', '\\', false],
  ['[\\', '\\', true],
  ['[a\\', '\\', true],
  ['[\\-a]', '-', true],
  ['[\\-a]', 'a', true],
  ['[\\-a]', 'b', false],
  ['[a\\-c]', 'b', false],
  ['[a\\-c]', '-', true],
  ['[\\^a]', '^', true],
  // regular-expression metacharacters are literals
  ['.', 'a', false],
  ['.', '.', true],
  ['a.b', 'axb', false],
  ['a.b', 'a.b', true],
  ['a+b', 'aab', false],
  ['a+b', 'a+b', true],
  ['a(b', 'a(b', true],
  ['a$', 'a$', true],
  ['a$', 'a', false],
  ['a|b', 'a', false],
  ['a|b', 'a|b', true],
  ['a{1}', 'a', false],
  ['a{1}', 'a{1}', true],
  ['^a', 'a', false],
  ['^a', '^a', true],
  ['(', '(', true],
  [')', ')', true],
  // non-ASCII: matched on UTF-8 bytes
  ['é', 'é', true],
  ['?', 'é', false], // é is two bytes
  ['??', 'é', true],
  ['?é', 'aé', true],
  ['é?', 'éa', true],
  ['????', '😀', true], // four bytes
  ['?', '😀', false],
  ['*😀*', 'a😀b', true],
  ['[é]', 'é', false], // a class matches one byte
  ['[é]?', 'é', true],
  ['[^é]', 'é', false],
  ['[^é]?', 'é', false],
  ['[^é]?', 'ab', true],
  ['[😀]???', '😀', true],
  ['\\é', 'é', true],
  ['€', '€', true],
  // structure of real keys
  ['menu:item:*', 'menu:item:margherita', true],
  ['menu:item:*', 'menu:items', false],
  ['menu:item:\\[1\\]', 'menu:item:[1]', true],
  ['menu:item:[1]', 'menu:item:[1]', false],
  ['menu:item:[1]', 'menu:item:1', true],
  ['user:\\{1\\}:*', 'user:{1}:cart', true],
];

/**
 * Ranges with non-ASCII bounds: Redis compares bounds as C `char`, signed on x86-64, so `[a-é]`
 * (bytes `a - C3`, then `A9`) is the range -61..97. Only valid against x86 servers.
 */
export const SIGNED_CHAR_CASES: readonly GlobCase[] = [
  ['[a-é]', 'b', false], // unsigned (ARM): 97..195 would contain `b`
  ['[a-é]', '0', true], // ...and would not contain `0`
  ['[a-é]', '_', true],
  ['[a-é]', 'a', true],
  ['[a-é]??', '€', true], // E2 is -30
  ['[a-é]?', 'é', true],
  ['[é-a]', '0', true], // C3 literal, then the range A9..a = -87..97
  ['[é-a]', 'b', false],
  ['[ÿ-a]', '0', true], // ÿ is C3 BF: C3 literal, then BF..a = -65..97
  ['[ÿ-a]', 'b', false],
];
