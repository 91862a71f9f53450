/**
 * Redis glob patterns, as used by `SCAN MATCH`, `KEYS` and `deletePattern`: `*`, `?`, `[abc]`,
 * `[a-c]`, `[^a]` and `\` escapes.
 *
 * The matcher is a port of Redis' own `stringmatchlen()` (`src/util.c`), run over the UTF-8 bytes of
 * the pattern and the key, so every corner case behaves as on the server: `?` matches one byte (not
 * one character), `[]` matches nothing, `[^]` any byte, an unterminated class is closed at the end of
 * the pattern, reversed ranges (`[c-a]`) are swapped, a trailing `\` is literal, an empty key only
 * matches the empty pattern (and `*`), and more than 1000 nested `*` never match. Backtracking is
 * bounded the way Redis bounds it, so hostile patterns cannot blow up.
 *
 * One platform caveat, inherited from Redis: range bounds are compared as C `char`, which is signed
 * on x86-64 (the behaviour reproduced here) and unsigned on ARM builds, so ranges whose bounds are
 * non-ASCII bytes (e.g. `[a-é]`) differ between those servers. Plain ASCII ranges are unaffected.
 */

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const DASH = 0x2d;
/** Redis' protection against abusive patterns (`nesting > 1000` in `stringmatchlen_impl`). */
const MAX_NESTING = 1000;

const GLOB_SPECIALS = /[*?[\]\\]/g;
const encoder = new TextEncoder();

/**
 * Escapes every glob special character in `text` so it matches only itself. Use it whenever user
 * data becomes part of a pattern: `deletePattern(\`menu:${escapeGlob(id)}:*\`)`.
 */
export function escapeGlob(text: string): string {
  return text.replace(GLOB_SPECIALS, '\\$&');
}

/** Compiles a Redis glob pattern into a predicate over keys, matching exactly as Redis would. */
export function compileGlob(pattern: string): (subject: string) => boolean {
  // KEYS and SCAN short-circuit a lone `*` to "every key" (the empty key included).
  if (pattern === '*') return () => true;
  const bytes = encoder.encode(pattern);
  return (subject) => matchBytes(bytes, encoder.encode(subject));
}

/** One-shot form of {@link compileGlob}. */
export function matchGlob(pattern: string, subject: string): boolean {
  return compileGlob(pattern)(subject);
}

/** `stringmatchlen(pattern, string, nocase = 0)`. */
function matchBytes(pattern: Uint8Array, subject: Uint8Array): boolean {
  return matchFrom(pattern, 0, subject, 0, { skipLongerMatches: false }, 0);
}

/** Byte at `i`, or 0 past the end (Redis patterns are NUL-terminated and it reads that NUL). */
function byteAt(bytes: Uint8Array, i: number): number {
  return i < bytes.length ? bytes[i]! : 0;
}

/** A byte as a signed C `char` on x86-64, which is how Redis compares range bounds. */
function signed(byte: number): number {
  return byte > 0x7f ? byte - 0x100 : byte;
}

/** `stringmatchlen_impl`: both `p` and `s` always run to the end of their buffers. */
function matchFrom(
  p: Uint8Array,
  pi: number,
  s: Uint8Array,
  si: number,
  state: { skipLongerMatches: boolean },
  nesting: number,
): boolean {
  if (nesting > MAX_NESTING) return false;
  while (pi < p.length && si < s.length) {
    switch (p[pi]) {
      case STAR: {
        while (byteAt(p, pi + 1) === STAR) pi++;
        if (pi === p.length - 1) return true;
        for (; si < s.length; si++) {
          if (matchFrom(p, pi + 1, s, si, state, nesting + 1)) return true;
          if (state.skipLongerMatches) return false;
        }
        // No match for the rest of the pattern from anywhere in the rest of the string: an earlier
        // `*` cannot do better by consuming more, so Redis stops trying.
        state.skipLongerMatches = true;
        return false;
      }
      case QUESTION:
        si++;
        break;
      case OPEN: {
        pi++;
        const negate = byteAt(p, pi) === CARET;
        if (negate) pi++;
        const c = s[si]!;
        let match = false;
        for (;;) {
          const remaining = p.length - pi;
          if (byteAt(p, pi) === BACKSLASH && remaining >= 2) {
            pi++;
            if (p[pi] === c) match = true;
          } else if (byteAt(p, pi) === CLOSE) {
            break;
          } else if (remaining === 0) {
            // Unterminated class: closed at the end of the pattern.
            pi--;
            break;
          } else if (remaining >= 3 && p[pi + 1] === DASH) {
            let start = signed(p[pi]!);
            let end = signed(p[pi + 2]!);
            if (start > end) [start, end] = [end, start];
            pi += 2;
            const sc = signed(c);
            if (sc >= start && sc <= end) match = true;
          } else if (p[pi] === c) {
            match = true;
          }
          pi++;
        }
        if (negate) match = !match;
        if (!match) return false;
        si++;
        break;
      }
      case BACKSLASH:
        if (p.length - pi >= 2) pi++;
        if (p[pi] !== s[si]) return false;
        si++;
        break;
      default:
        if (p[pi] !== s[si]) return false;
        si++;
        break;
    }
    pi++;
    if (si === s.length) {
      while (byteAt(p, pi) === STAR) pi++;
      break;
    }
  }
  return pi >= p.length && si === s.length;
}
